import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';

/** The report methods of libs/uptime, repeated here so the payload type needs no engine import. */
export type ReportMethod = 'hourly' | 'step';
export const REPORT_METHODS = ['hourly', 'step'] as const satisfies readonly ReportMethod[];

/**
 * The job payload: ids and parameters only, never data (house style). The worker reads the data
 * from PostgreSQL when it runs, so a retry sees the current tables.
 */
export interface ReportJobData {
  reportId: string;
  /** ISO-8601 instant, or null for "the latest poll". */
  asOf: string | null;
  method: ReportMethod;
}

/** What a completed job returns; the API presigns `s3Key` on every read, so no URL is stored. */
export interface ReportJobResult {
  s3Key: string;
  storesCount: number;
  /** ISO-8601 instant the report used as `now`, or null when there were no polls. */
  nowUsed: string | null;
}

/** 32 lowercase hex characters = 128 random bits (issue 6 wants at least 122: unguessable). */
export const REPORT_ID_PATTERN = /^[0-9a-f]{32}$/;

export function newReportId(): string {
  return randomBytes(16).toString('hex');
}

export function isReportId(value: unknown): value is string {
  return typeof value === 'string' && REPORT_ID_PATTERN.test(value);
}

export interface ReportJobRetryPolicy {
  /** First run plus retries. */
  attempts: number;
  /** Delay before the first retry; doubles after each failure. */
  backoffMs: number;
}

export const DEFAULT_REPORT_RETRY_POLICY: ReportJobRetryPolicy = { attempts: 4, backoffMs: 5_000 };

/**
 * Options for adding a report job. The job id IS the report id, so adding the same report twice
 * (a client or proxy retrying the trigger) is a no-op in BullMQ rather than a second computation.
 * Finished jobs are trimmed by age and count: the reports table, not Redis, is the durable record.
 */
export function reportJobOptions(reportId: string, policy: ReportJobRetryPolicy = DEFAULT_REPORT_RETRY_POLICY): JobsOptions {
  return {
    jobId: reportId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}
