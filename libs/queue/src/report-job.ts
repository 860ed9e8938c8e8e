import { randomBytes } from 'node:crypto';
import type { JobsOptions } from 'bullmq';
import type { UptimeMethod } from '@store-uptime/uptime';

/**
 * The job payload: ids and parameters only, never data: Redis holds it in memory for every job,
 * and the worker reads the data from PostgreSQL when it runs, so a retry sees the current tables.
 */
export interface ReportJobData {
  reportId: string;
  /** ISO-8601 instant, or null for "the latest poll". */
  asOf: string | null;
  method: UptimeMethod;
  /**
   * Set by the worker when it fans the report out (never by the API): the fleet's `now` and the
   * store ranges, kept in the job so a rerun of the parent after its children assembles the same plan.
   */
  shards?: ReportShardPlanData;
}

export interface ReportShardPlanData {
  nowUs: number;
  ranges: { from: string | null; to: string | null }[];
}

/** One shard of a fanned-out report: its store range and the `now` fixed for the whole fleet. */
export interface ReportShardJobData {
  reportId: string;
  method: UptimeMethod;
  nowUs: number;
  shard: number;
  shards: number;
  from: string | null;
  to: string | null;
}

/** What a shard returns to its parent (BullMQ keeps it in the parent's processed children). */
export interface ReportShardResult {
  shard: number;
  partKey: string;
  rows: number;
  pollsRead: number;
  pollsAfterNow: number;
  zonesMissing: number;
  zonesInvalid: Record<string, number>;
}

/**
 * The job id of a report's shard: derived from the report id, so adding a plan's children again
 * (a parent rerun after a crash) adds nothing twice.
 */
function reportShardJobId(reportId: string, shard: number): string {
  return `${reportId}-shard-${shard}`;
}

/** What a completed job returns; the API presigns `s3Key` on every read, so no URL is stored. */
export interface ReportJobResult {
  s3Key: string;
  storesCount: number;
  /** ISO-8601 instant the report used as `now`, or null when there were no polls. */
  nowUsed: string | null;
}

/**
 * 32 lowercase hex characters = 128 random bits: more than a random UUID's 122, so an id cannot be
 * guessed and doubles as the capability to read its report.
 */
export const REPORT_ID_PATTERN = /^[0-9a-f]{32}$/;
/** The same rule in words, for API documentation and error messages. */
export const REPORT_ID_FORM = '32 lowercase hexadecimal characters';

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

/**
 * Options for adding a report job. The job id IS the report id, so adding the same report twice
 * (a client or proxy retrying the trigger) is a no-op in BullMQ rather than a second computation.
 * Finished jobs are trimmed by age and count: the reports table, not Redis, is the durable record.
 * The retry policy is the API's validated REPORT_JOB_ATTEMPTS / REPORT_JOB_BACKOFF_MS.
 */
export function reportJobOptions(reportId: string, policy: ReportJobRetryPolicy): JobsOptions {
  return {
    jobId: reportId,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/**
 * Options of a shard job: retried alone with the report's own policy (its parent's attempts and
 * backoff); once its attempts are spent the parent fails too (failParentOnFailure), since a report
 * with a missing range cannot be assembled. Finished shards are kept an hour (their result also
 * lives on in the parent's processed children): long enough to read their timings (bench:scale).
 */
export function reportShardJobOptions(reportId: string, shard: number, parent: { id: string; queue: string }, policy: ReportJobRetryPolicy): JobsOptions {
  return {
    jobId: reportShardJobId(reportId, shard),
    parent,
    failParentOnFailure: true,
    attempts: policy.attempts,
    backoff: { type: 'exponential', delay: policy.backoffMs },
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}

/**
 * How long an `Idempotency-Key` of a trigger is honoured: a retry within it returns the report the
 * key started; after it, the key starts a new report (Stripe's window).
 */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
