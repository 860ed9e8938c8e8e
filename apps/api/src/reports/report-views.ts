import { ReportStatus, type ReportEntity } from '@store-uptime/db';
import type { ReportState } from './reports.service';

/** Response bodies (their schemas: openapi/api-schemas.ts). */

export function reportLinks(id: string) {
  return { self: `/reports/${id}`, download: `/reports/${id}/download` };
}

export function reportDetailsView(details: { row: ReportEntity; status: ReportStatus; progress: number; error: string | null }) {
  const { row } = details;
  return {
    id: row.id,
    status: details.status,
    progress: details.progress,
    parameters: { as_of: row.asOf?.toISOString() ?? null, method: row.method },
    counts: { stores: row.storesCount, rows_skipped: row.rowsSkipped },
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

/** The original service's `/get_report` bodies. */
export function compatStateView(state: ReportState) {
  switch (state.status) {
    case 'running':
      return { status: 'Running' as const, progress: state.progress };
    case 'complete':
      return { status: 'Complete' as const, url: state.url };
    case 'failed':
      return { status: 'Failed' as const, error: state.error };
  }
}
