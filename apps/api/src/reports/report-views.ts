import type { ReportEntity, ReportListPosition } from '@store-uptime/db';
import { encodeListCursor } from './report-params';
import type { ReportDetails, ReportState } from './reports.service';

/** Response bodies (their schemas: openapi/api-schemas.ts). */

export function reportLinks(id: string) {
  return { self: `/reports/${id}`, download: `/reports/${id}/download` };
}

export function reportDetailsView(details: ReportDetails) {
  const { row } = details;
  return {
    id: row.id,
    status: details.status,
    progress: details.progress,
    parameters: { as_of: row.asOf?.toISOString() ?? null, method: row.method },
    counts: { stores: row.storesCount, polls_after_now: row.pollsAfterNow },
    now_used: row.nowUsed?.toISOString() ?? null,
    warnings: row.warnings,
    error: details.error,
    attempts: row.attempts,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    links: reportLinks(row.id),
  };
}

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
