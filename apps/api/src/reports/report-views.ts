import { reportResource, type ReportEntity, type ReportListPosition } from '@store-uptime/db';
import { encodeListCursor } from './report-params';
import type { ReportState } from './reports.service';

/** Response bodies (their schemas: openapi/api-schemas.ts). */

/** GET /reports/{id}'s body: the report resource, the same function the worker's webhooks use (libs/db). */
export const reportDetailsView = reportResource;

/** A page of GET /reports: rows as GET /reports/{id} shows them, and the link to the next page. */
export function reportListView(
  page: { reports: ReportEntity[]; next: ReportListPosition | null },
  query: Record<string, string>,
) {
  const next = page.next ? `/reports?${new URLSearchParams({ ...query, cursor: encodeListCursor(page.next) }).toString()}` : null;
  return {
    items: page.reports.map((row) => reportDetailsView({ row, status: row.status, progress: row.progress, error: row.error })),
    next,
  };
}

/** The original service's `/get_report` bodies. */
export function compatStateView(state: ReportState) {
  switch (state.status) {
    case 'running':
      return { status: 'Running' as const, progress: state.progress };
    case 'complete':
      return { status: 'Complete' as const, url: state.url };
    case 'failed':
      return { status: 'Failed' as const, error: state.error };
    case 'cancelled':
      return { status: 'Cancelled' as const };
  }
}
