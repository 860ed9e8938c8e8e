import { ReportStatus } from '../entities/report.entity';

const { queued, running, complete, failed, cancelled, expired } = ReportStatus;

/**
 * Every change of a report's status, and the states it may start from. The one table of the
 * lifecycle: ReportsRepository turns each entry into a conditional `UPDATE … WHERE status IN (from)`,
 * so a late or repeated writer (a second worker after a stall, the sweep, a cancel) is refused by
 * PostgreSQL itself rather than by a read-then-write that can race.
 *
 * Terminal states (complete, failed, cancelled, expired) never change again, except
 * complete → expired when retention deletes the CSV.
 */
export const REPORT_TRANSITIONS = {
  /** A worker takes the report; from running too, because a stalled job is taken over by another worker. */
  start: { from: [queued, running], to: running },
  /** Back to the queue: between BullMQ attempts, or handed back by a worker shutting down. */
  requeue: { from: [queued, running], to: queued },
  complete: { from: [running], to: complete },
  /** Failed for good: the last attempt failed, the job was lost, or it could not be queued. */
  fail: { from: [queued, running], to: failed },
  cancel: { from: [queued, running], to: cancelled },
  /** Retention deleted the CSV. */
  expire: { from: [complete], to: expired },
} as const satisfies Record<string, { from: readonly ReportStatus[]; to: ReportStatus }>;

export type ReportTransition = keyof typeof REPORT_TRANSITIONS;

const TERMINAL_STATUSES: readonly ReportStatus[] = [complete, failed, cancelled, expired];

export const UNFINISHED_STATUSES: readonly ReportStatus[] = [queued, running];

export function isTransitionAllowed(transition: ReportTransition, from: ReportStatus): boolean {
  return (REPORT_TRANSITIONS[transition].from as readonly ReportStatus[]).includes(from);
}

export function isTerminal(status: ReportStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}
