import type { ReportEntity, ReportStatus } from '../entities/report.entity';

/**
 * A report as a client sees it: the body of GET /reports/{id} and the `data` of every webhook
 * delivery about it, from this one function, so the two can never differ. Here rather than in the
 * API because the worker sends the webhooks. Its schema: apps/api/src/openapi/api-schemas.ts.
 */
export interface ReportResourceState {
  row: ReportEntity;
  /** The live status (the job's, when Redis knows better than the row). */
  status: ReportStatus;
  progress: number;
  error: string | null;
}

export function reportLinks(id: string) {
  return { self: `/reports/${id}`, download: `/reports/${id}/download` };
}

export function reportResource(state: ReportResourceState) {
  const { row } = state;
  return {
    id: row.id,
    status: state.status,
    progress: state.progress,
    parameters: { as_of: row.asOf?.toISOString() ?? null, method: row.method },
    counts: { stores: row.storesCount, polls_after_now: row.pollsAfterNow },
    now_used: row.nowUsed?.toISOString() ?? null,
    warnings: row.warnings,
    error: state.error,
    attempts: row.attempts,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    links: reportLinks(row.id),
  };
}
