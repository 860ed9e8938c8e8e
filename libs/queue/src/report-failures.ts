/**
 * Reasons a report fails without its processor saying so, shared by the API's status read and the
 * worker's sweep so clients see one wording for a report that can no longer finish.
 */
export const LOST_JOB_REASON =
  'the report was lost from the queue (its job no longer exists, e.g. Redis lost its data); please trigger a new report';

/** BullMQ's own reason when a job stalled more often than `maxStalledCount` allows. */
const STALLED_PATTERN = /stalled more than allowable limit/i;

/** A client-facing reason for a failed BullMQ job. */
export function failedJobReason(failedReason: string | undefined): string {
  if (!failedReason) return 'the report failed for an unknown reason';
  if (STALLED_PATTERN.test(failedReason)) {
    return 'the workers running this report stopped repeatedly (crashed or were killed) before it finished';
  }
  return failedReason;
}

/** Rejects with `TimeoutError` when `promise` has not settled within `ms` (the promise itself keeps running). */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The BullMQ failed reason of a cancelled report's job (the row says `cancelled`): the API reads it
 * as cancelled, not failed, when Redis answers a status read before the row does.
 */
export const REPORT_CANCELLED_REASON = 'the report was cancelled';

/**
 * The one metric of the lost-job rule (ReportsRepository.failLost), the same in both apps: the
 * API counts reports a status read found lost, the worker those its sweep found.
 */
export const LOST_REPORTS_METRIC = {
  name: 'reports_lost_total',
  help: 'Unfinished reports whose queue job had vanished, marked failed (API: by a status read; worker: by the sweep).',
} as const;
