import type { ReportJobResult } from './report-job';

/** What a status read needs from a report's BullMQ job. */
export interface ReportJobSnapshot {
  /** Set when the job completed or failed for good (retries go through "delayed" without it). */
  finished: boolean;
  /** The processor's return value once completed. */
  result: ReportJobResult | null;
  failedReason: string | null;
  /** 0…1 as the processor last reported it. */
  progress: number;
  /** When the job was added (ms since the epoch). */
  createdAtMs: number;
}

/** A Redis client that can read hash fields (ioredis; the API's status-read connection). */
export interface HashReader {
  hmget(key: string, ...fields: string[]): Promise<(string | null)[]>;
}

const FIELDS = ['timestamp', 'finishedOn', 'returnvalue', 'failedReason', 'progress'] as const;

/**
 * The job's state in ONE Redis round trip reading five fields (HMGET), instead of `Queue.getJob`
 * (HGETALL + parsing data, options and stack traces) and `Job.getState` (a second round trip).
 * Status polls are the API's hot path (≥ 5,000 reads/s, docs/service.md). It relies on the field names of
 * BullMQ's job hash, which have been stable since BullMQ 1; the end-to-end tests read every state
 * through it. `jobKey` is the job's hash (`Queue.toKey(jobId)`: BullMQ owns its key names). Null
 * when the job does not exist.
 */
export async function readReportJob(client: HashReader, jobKey: string): Promise<ReportJobSnapshot | null> {
  const [timestamp, finishedOn, returnvalue, failedReason, progress] = await client.hmget(jobKey, ...FIELDS);
  if (timestamp === null) return null;
  return {
    finished: finishedOn !== null,
    result: returnvalue ? parseResult(returnvalue) : null,
    failedReason,
    progress: parseProgress(progress),
    createdAtMs: Number(timestamp),
  };
}

function parseResult(text: string): ReportJobResult | null {
  try {
    const value = JSON.parse(text) as ReportJobResult | null;
    return value && typeof value.s3Key === 'string' ? value : null;
  } catch {
    return null;
  }
}

function parseProgress(text: string | null): number {
  if (text === null) return 0;
  const value = Number(JSON.parse(text));
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
