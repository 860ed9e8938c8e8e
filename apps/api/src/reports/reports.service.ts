import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { PinoLogger } from 'nestjs-pino';
import type { ApiEnv } from '@store-uptime/config';
import {
  ReportEntity,
  ReportRowsRepository,
  ReportsRepository,
  ReportStatus,
  type ReportResourceState,
  type ReportListFilter,
  type ReportListPage,
  type ReportListPosition,
  type ReportRow,
  type ReportRowsPage,
  type ReportRowsQuery,
} from '@store-uptime/db';
import {
  failedJobReason,
  IDEMPOTENCY_KEY_TTL_HOURS,
  logConnectionErrors,
  LOST_JOB_REASON,
  newReportId,
  readReportJob,
  QUEUES,
  REPORT_CANCELLED_REASON,
  REPORT_JOBS,
  reportJobOptions,
  withTimeout,
  type ReportJobData,
  type ReportJobResult,
} from '@store-uptime/queue';
import type { ReportStorage } from '@store-uptime/storage';
import { isConnectTimeout, PoolGate } from '../database/pool-gate';
import { DependencyUnavailable, ProblemException, ProblemType, reportExpired, reportNotFound } from '../problem/problem';
import type { ApiMetrics } from '../metrics/api-metrics';
import { API_ENV, API_METRICS, REPORT_STORAGE, STATUS_REDIS } from '../tokens';
import { isAdmin, type Caller } from '../auth/caller';
import type { TriggerParams } from './report-params';
import { RefreshAheadCache } from './refresh-ahead-cache';
import { ReuseCache } from './reuse-cache';
import { newSigningSecret } from '@store-uptime/webhooks';
import { WebhookTargets } from '../webhooks/webhook-targets';

/** The state a client polls for (the original `/get_report` body maps 1:1 onto it). */
export type ReportState =
  | { status: 'running'; progress: number }
  | { status: 'complete'; url: string }
  | { status: 'failed'; error: string }
  | { status: 'cancelled' };

/** Live view of the queue job, when Redis still has it. */
type JobView =
  | { state: 'finished-ok'; result: ReportJobResult; createdAtMs: number }
  | { state: 'finished-cancelled' }
  | { state: 'finished-failed'; reason: string }
  | { state: 'pending'; progress: number };

export type ReportDetails = ReportResourceState;

/** A trigger's answer: the report, and whether it is an earlier request's (same Idempotency-Key). */
export interface Triggered {
  id: string;
  replayed: boolean;
  /** The signing secret of the report's callback_url, when it has one. */
  callbackSecret: string | null;
}

/** The parameters that make two triggers "the same request" for an Idempotency-Key. */
function triggerFingerprint(params: TriggerParams): string {
  // A callback_url is part of the request only when given, so keys recorded before it existed still match.
  return JSON.stringify({ as_of: params.asOf?.toISOString() ?? null, method: params.method, ...(params.callbackUrl === null ? {} : { callback_url: params.callbackUrl }) });
}

/** Presigned URLs kept per API process (a few hundred bytes each); the oldest goes first. */
const URL_CACHE_LIMIT = 10_000;
/** Report owners kept per API process (an owner never changes, so entries never go stale). */
const OWNER_CACHE_LIMIT = 100_000;

/**
 * An Idempotency-Key is the caller's own: the same key sent by two owners names two requests
 * (otherwise one owner could learn another's report id by guessing its key). Length-prefixed, so
 * no owner/key pair can spell another.
 */
function ownedIdempotencyKey(key: string, owner: string | null): string {
  return owner === null ? key : `${owner.length}:${owner}:${key}`;
}

/** Details of reports kept per API process (about a kilobyte each); the oldest goes first. */
const DETAILS_CACHE_LIMIT = 10_000;

/**
 * How long a finished report's details are reused without reading its row again. A failed,
 * cancelled or expired row no longer changes; a complete one only becomes expired, by the
 * retention sweep, once it is REPORT_RETENTION_DAYS old, and is never reused past that age.
 */
const FINISHED_DETAILS_REUSE_MS = 60_000;

/**
 * How long an unfinished report's row is reused while Redis says its job is still pending. Every
 * poll still reads the job (live progress, and the moment it finishes, when the row is read again);
 * only the row's transition fields (queued → running, attempts, started_at, and a cancel made
 * through another API process) may be this late; a cancel made here is seen at once. One
 * second is a client's usual poll interval; without it every poll of a report in flight was a
 * PostgreSQL read, which held GET /reports/{id} far below the original route's speed.
 */
const UNFINISHED_ROW_REUSE_MS = 1_000;
/**
 * Rows polled again after this long are re-read in the background, all in one query, so reports
 * polled continuously never wait for their row: a row read for each report once a second, each
 * poll's own, still cost a third of the REST route's throughput over 200 running reports
 * (npm run bench:status).
 */
const UNFINISHED_ROW_REFRESH_MS = 500;

/**
 * Triggering and reading reports. The API never computes: it writes the durable row, enqueues the
 * job, and answers status reads from the BullMQ job (live) or the row (durable: it survives Redis
 * losing the job).
 */
@Injectable()
export class ReportsService {
  /** Presigned URLs of complete reports, reused while at least half their lifetime is left. */
  private readonly urlCache = new Map<string, { url: string; reuseUntil: number }>();
  /** Who owns each report read lately: the owner check of a status poll costs no PostgreSQL read. */
  private readonly owners = new Map<string, string | null>();
  /** GET /reports/:id: details of finished reports, and rows of unfinished ones (see the reuse windows above). */
  private readonly finishedDetails = new ReuseCache<ReportDetails>(DETAILS_CACHE_LIMIT);
  private readonly unfinishedRows: RefreshAheadCache<ReportEntity>;
  private readonly pool: PoolGate;

  constructor(
    @InjectQueue(QUEUES.reports) private readonly queue: Queue<ReportJobData, ReportJobResult>,
    private readonly reports: ReportsRepository,
    private readonly reportRows: ReportRowsRepository,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
    private readonly webhookTargets: WebhookTargets,
    @Inject(STATUS_REDIS) private readonly statusRedis: Redis,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('ReportsService');
    this.pool = new PoolGate(env.DB_POOL_SIZE, env.DB_POOL_WAIT_MS);
    this.unfinishedRows = new RefreshAheadCache({
      limit: DETAILS_CACHE_LIMIT,
      maxAgeMs: UNFINISHED_ROW_REUSE_MS,
      refreshAfterMs: UNFINISHED_ROW_REFRESH_MS,
      readMany: async (ids) => new Map((await this.database(() => this.reports.findMany(ids))).map((row) => [row.id, row])),
    });
    logConnectionErrors(this.queue, (fields) => this.logger.warn(fields, 'Redis connection error'));
    logConnectionErrors(this.statusRedis, (fields) => this.logger.warn(fields, 'Redis connection error (status reads)'));
  }

  /**
   * Creates the row, then the job (job id = report id). With an `Idempotency-Key`, a fresh key
   * already used with the same parameters returns that report instead (replayed), and with other
   * parameters is refused (409).
   */
  async trigger(params: TriggerParams, caller: Caller, idempotencyKey?: string): Promise<Triggered> {
    const id = newReportId();
    if (params.callbackUrl !== null) await this.webhookTargets.ensureAllowed(params.callbackUrl, 'callback_url');
    const callback = params.callbackUrl === null ? null : { url: params.callbackUrl, secret: newSigningSecret() };
    const report = { id, asOf: params.asOf, method: params.method, owner: caller.owner, callback };
    if (idempotencyKey === undefined) {
      await this.database(() => this.reports.create(report));
    } else {
      const fingerprint = triggerFingerprint(params);
      const outcome = await this.database(() =>
        this.reports.createWithIdempotencyKey(report, { key: ownedIdempotencyKey(idempotencyKey, caller.owner), fingerprint, ttlHours: IDEMPOTENCY_KEY_TTL_HOURS }),
      );
      if (!outcome.created) {
        if (outcome.fingerprint !== fingerprint) {
          throw new ProblemException(
            HttpStatus.CONFLICT,
            ProblemType.idempotencyKeyReused,
            'Idempotency key reused',
            `This Idempotency-Key was used in the last ${IDEMPOTENCY_KEY_TTL_HOURS} h with other parameters; use a new key for a new report.`,
          );
        }
        const callbackSecret = params.callbackUrl === null ? null : await this.database(() => this.reports.callbackSecret(outcome.reportId));
        return { id: outcome.reportId, replayed: true, callbackSecret };
      }
    }
    const data: ReportJobData = { reportId: id, asOf: params.asOf?.toISOString() ?? null, method: params.method };
    try {
      await this.redis(() =>
        this.queue.add(REPORT_JOBS.compute, data, reportJobOptions(id, {
          attempts: this.env.REPORT_JOB_ATTEMPTS,
          backoffMs: this.env.REPORT_JOB_BACKOFF_MS,
        })),
      );
    } catch (error) {
      // The client gets a 503 and never learns this id; the row records why it never ran, and the
      // key is freed so the client's retry with it starts a report that does run.
      await this.reports.fail(id, 'the report could not be queued').catch(() => undefined);
      if (idempotencyKey !== undefined) await this.reports.releaseIdempotencyKey(ownedIdempotencyKey(idempotencyKey, caller.owner), id).catch(() => undefined);
      throw error;
    }
    this.rememberOwner(id, caller.owner);
    this.metrics.triggered.labels(params.method).inc();
    this.logger.info({ reportId: id, asOf: data.asOf, method: data.method }, 'report queued');
    return { id, replayed: false, callbackSecret: callback?.secret ?? null };
  }

  /**
   * The hot path (`/get_report`): one Redis read for a report in flight, none for a complete one
   * already answered (cached URL), PostgreSQL only when Redis no longer has the job.
   */
  async state(id: string, caller: Caller): Promise<ReportState> {
    await this.ensureVisible(id, caller);
    const cached = this.urlCache.get(id);
    if (cached && cached.reuseUntil > Date.now()) return { status: 'complete', url: cached.url };

    let job: JobView | null | undefined;
    let redisError: DependencyUnavailable | undefined;
    try {
      job = await this.jobView(id);
    } catch (error) {
      // jobView's only failure is Redis's (this.redis wraps it); anything else is a bug: let it out.
      if (!(error instanceof DependencyUnavailable)) throw error;
      redisError = error;
    }
    // A job finished within the retention period is complete; an older one may have expired: the row says.
    if (job?.state === 'finished-ok' && job.createdAtMs > this.retentionStartMs()) {
      return { status: 'complete', url: await this.completeUrl(id, job.result.s3Key, job.createdAtMs) };
    }
    if (job?.state === 'finished-cancelled') return { status: 'cancelled' };
    if (job?.state === 'finished-failed') return { status: 'failed', error: job.reason };
    if (job?.state === 'pending') return { status: 'running', progress: job.progress };

    // Redis has no job (trimmed after completion, or lost), or Redis is down: the row decides.
    const row = await this.database(() => this.reports.find(id));
    if (!row) {
      if (redisError) throw redisError;
      throw reportNotFound(id);
    }
    if (row.status === ReportStatus.complete && row.s3Key) {
      return { status: 'complete', url: await this.completeUrl(id, row.s3Key, row.createdAt.getTime()) };
    }
    if (row.status === ReportStatus.failed) return { status: 'failed', error: row.error ?? 'the report failed' };
    if (row.status === ReportStatus.cancelled) return { status: 'cancelled' };
    if (row.status === ReportStatus.expired) throw reportExpired(id);
    // Unfinished and we could not ask Redis: the live state is unknown.
    if (redisError) throw redisError;
    const lost = await this.failIfLost(id);
    return lost ? { status: 'failed', error: LOST_JOB_REASON } : { status: 'running', progress: row.progress };
  }

  /**
   * The row for GET /reports/:id, with the live job state folded in when Redis has it. The hot
   * path of status polls: a finished report's details are reused (no I/O); an unfinished one costs
   * one Redis read, plus its row at most once a second while the job is pending. A reused row is
   * checked against the caller like a fresh one (it carries its owner): another owner's report is
   * a 404 on every path.
   */
  async details(id: string, caller: Caller): Promise<ReportDetails> {
    const finished = this.finishedDetails.get(id);
    if (finished) {
      if (!visibleTo(finished.row.owner, caller)) throw reportNotFound(id);
      return finished;
    }
    const recent = this.unfinishedRows.get(id);
    if (recent && !visibleTo(recent.owner, caller)) throw reportNotFound(id);

    // The job is read alongside the row (it is needed whenever the report is unfinished); a Redis
    // failure only matters then.
    const jobRead = this.jobView(id).then(
      (job) => ({ job }),
      () => ({ job: undefined }),
    );
    if (recent) {
      const { job } = await jobRead;
      if (job?.state === 'pending') return { row: recent, status: recent.status, progress: job.progress, error: recent.error };
      // Finished, gone or unknown: the row decides, read afresh.
      this.unfinishedRows.delete(id);
    }

    const row = await this.database(() => this.reports.find(id));
    if (!row || !visibleTo(row.owner, caller)) throw reportNotFound(id);
    if (row.status !== ReportStatus.queued && row.status !== ReportStatus.running) {
      // A complete report is never reused past its retention (from then on the row answers, as for the URL cache).
      const reuseForMs =
        row.status === ReportStatus.complete
          ? Math.min(FINISHED_DETAILS_REUSE_MS, row.createdAt.getTime() + this.env.REPORT_RETENTION_DAYS * 86_400_000 - Date.now())
          : FINISHED_DETAILS_REUSE_MS;
      const finishedDetails = { row, status: row.status, progress: row.progress, error: row.error };
      return reuseForMs > 0 ? this.finishedDetails.set(id, finishedDetails, reuseForMs) : finishedDetails;
    }
    const { job } = await jobRead;
    // Redis down: the row is still a truthful (if slightly stale) answer.
    if (job === undefined) return { row, status: row.status, progress: row.progress, error: row.error };
    if (job?.state === 'pending') {
      this.unfinishedRows.set(id, row);
      return { row, status: row.status, progress: job.progress, error: row.error };
    }
    if (job?.state === 'finished-failed') return { row, status: ReportStatus.failed, progress: row.progress, error: job.reason };
    if (job?.state === 'finished-cancelled') return { row, status: ReportStatus.cancelled, progress: row.progress, error: null };
    if (job?.state === 'finished-ok') return { row, status: ReportStatus.complete, progress: 1, error: null };
    if (await this.failIfLost(id)) return { row, status: ReportStatus.failed, progress: row.progress, error: LOST_JOB_REASON };
    return { row, status: row.status, progress: row.progress, error: row.error };
  }

  /** A fresh presigned URL of a complete report (GET /reports/:id/download). */
  async downloadUrl(id: string, caller: Caller): Promise<string> {
    const row = await this.completeReport(id, caller);
    return this.presign(id, row.s3Key ?? '');
  }

  /** A page of a complete report's rows (GET /reports/:id/stores). */
  async rowsPage(id: string, caller: Caller, query: ReportRowsQuery): Promise<ReportRowsPage> {
    await this.completeReport(id, caller);
    return this.database(() => this.reportRows.page(id, query));
  }

  /**
   * Every row of a complete report in store order (the JSON Lines download). The report's state is
   * checked first, so a 404/409/410 is still an ordinary answer; once rows flow, a failure can only
   * cut the stream short.
   */
  async streamRows(id: string, caller: Caller, onBatch: (rows: ReportRow[]) => Promise<void>): Promise<() => Promise<number>> {
    await this.completeReport(id, caller);
    return () => this.reportRows.stream(id, onBatch);
  }

  /**
   * The report's row when it is complete (and visible to the caller); otherwise the answer every
   * route that reads a report's results gives: 404 unknown or another owner's, 410 expired, 409
   * failed, cancelled or not complete yet (with Retry-After).
   */
  private async completeReport(id: string, caller: Caller): Promise<ReportEntity> {
    const { row, status, error } = await this.details(id, caller);
    if (status === ReportStatus.complete && row.s3Key) return row;
    if (status === ReportStatus.expired) throw reportExpired(id);
    if (status === ReportStatus.failed) {
      throw new ProblemException(HttpStatus.CONFLICT, ProblemType.reportFailed, 'Report failed', `The report failed: ${error ?? 'unknown reason'}`);
    }
    if (status === ReportStatus.cancelled) {
      throw new ProblemException(HttpStatus.CONFLICT, ProblemType.reportCancelled, 'Report cancelled', 'The report was cancelled; it has no CSV.');
    }
    throw new ProblemException(
      HttpStatus.CONFLICT,
      ProblemType.reportNotComplete,
      'Report not complete',
      'The report is still being computed; poll GET /reports/{id} until it is complete.',
      {},
      { 'Retry-After': '1' },
    );
  }

  private async jobView(id: string): Promise<JobView | null> {
    const job = await this.redis(() => readReportJob(this.statusRedis, this.queue.toKey(id)));
    if (!job) return null;
    if (job.finished) {
      if (job.result) return { state: 'finished-ok', result: job.result, createdAtMs: job.createdAtMs };
      if (job.failedReason === REPORT_CANCELLED_REASON) return { state: 'finished-cancelled' };
      return { state: 'finished-failed', reason: failedJobReason(job.failedReason ?? undefined) };
    }
    return { state: 'pending', progress: Math.round(job.progress * 100) / 100 };
  }

  /** The lost-job rule (ReportsRepository.failLost) for a report whose job Redis does not have. */
  private async failIfLost(id: string): Promise<boolean> {
    const lost = await this.database(() => this.reports.failLost(id, LOST_JOB_REASON, this.env.REPORT_LOST_AFTER_SECONDS));
    if (lost) {
      this.metrics.lost.inc();
      this.logger.warn({ reportId: id }, 'report job vanished from the queue; marked failed');
    }
    return lost;
  }

  /**
   * POST /reports/{id}/cancel: a queued or running report becomes cancelled (the row first: from
   * then on no worker may complete it). A queued one's job is removed from the queue; a running
   * one is stopped by its worker, which watches the row (within about a second). Cancelling a
   * cancelled report again is fine; any other finished report answers 409.
   */
  async cancel(id: string, caller: Caller): Promise<ReportDetails> {
    await this.ensureVisible(id, caller);
    const outcome = await this.database(() => this.reports.cancel(id));
    this.unfinishedRows.delete(id);
    if (!outcome) throw reportNotFound(id);
    if (!outcome.cancelled && outcome.status !== ReportStatus.cancelled) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        ProblemType.reportFinished,
        'Report already finished',
        `The report is ${outcome.status}; only a queued or running report can be cancelled.`,
      );
    }
    if (outcome.cancelled) {
      this.metrics.cancelled.labels(outcome.previous).inc();
      this.logger.info({ reportId: id, from: outcome.previous }, 'report cancelled');
      // Best effort: a job a worker took meanwhile is locked and stays, but that worker's start is
      // refused by the row. A job left waiting is refused the same way when its turn comes.
      if (outcome.previous === ReportStatus.queued) {
        await this.redis(() => this.queue.remove(id)).catch((error: unknown) => {
          this.logger.warn({ reportId: id, err: error }, 'could not remove the cancelled report\'s job');
        });
      }
    }
    const row = await this.database(() => this.reports.find(id));
    if (!row) throw reportNotFound(id);
    return { row, status: row.status, progress: row.progress, error: row.error };
  }

  /** GET /reports: a page of rows, newest first (rows only: live progress is on GET /reports/{id}). */
  list(filter: ReportListFilter, limit: number, after: ReportListPosition | null, caller: Caller): Promise<ReportListPage> {
    // An owner of null (API_AUTH=off) is an admin: no filter.
    const owned = isAdmin(caller) || caller.owner === null ? filter : { ...filter, owner: caller.owner };
    return this.database(() => this.reports.list(owned, limit, after));
  }

  /**
   * Another owner's report answers 404, exactly as an unknown id does (403 would disclose that it
   * exists). The owner comes from memory after the first read of a report in this process.
   */
  private async ensureVisible(id: string, caller: Caller): Promise<void> {
    if (isAdmin(caller)) return;
    let owner: string | null;
    if (this.owners.has(id)) {
      owner = this.owners.get(id) ?? null;
    } else {
      const found = await this.database(() => this.reports.ownerOf(id));
      if (found === undefined) throw reportNotFound(id);
      owner = found;
      this.rememberOwner(id, owner);
    }
    if (!visibleTo(owner, caller)) throw reportNotFound(id);
  }

  private rememberOwner(id: string, owner: string | null): void {
    if (this.owners.size >= OWNER_CACHE_LIMIT) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
    this.owners.set(id, owner);
  }

  /** Reports created before this instant are past REPORT_RETENTION_DAYS (expired, or about to be). */
  private retentionStartMs(): number {
    return Date.now() - this.env.REPORT_RETENTION_DAYS * 86_400_000;
  }

  private async completeUrl(id: string, s3Key: string, createdAtMs: number): Promise<string> {
    const url = await this.presign(id, s3Key);
    if (this.urlCache.size >= URL_CACHE_LIMIT) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.urlCache.keys().next().value;
      if (oldest !== undefined) this.urlCache.delete(oldest);
    }
    // Never reused past the report's retention: from then on the row answers (410 once expired).
    const expiresAt = createdAtMs + this.env.REPORT_RETENTION_DAYS * 86_400_000;
    this.urlCache.set(id, { url, reuseUntil: Math.min(Date.now() + (this.env.REPORT_URL_TTL_SECONDS * 1000) / 2, expiresAt) });
    return url;
  }

  private presign(id: string, s3Key: string): Promise<string> {
    return this.storage.presignGet(s3Key, this.env.REPORT_URL_TTL_SECONDS, `store-uptime-report-${id}.csv`);
  }

  /** Redis work with a deadline; any failure is a 503 at once rather than a request left hanging. */
  private async redis<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work(), this.env.REDIS_TIMEOUT_MS, 'Redis');
    } catch (error) {
      throw new DependencyUnavailable('queue', error);
    }
  }

  /**
   * PostgreSQL work: first a turn for a pool connection (DB_POOL_WAIT_MS, PoolGate says why), then
   * the work itself within DB_TIMEOUT_MS (the pool has connect and statement timeouts too); a
   * connection that could not be opened in time is tried again within DB_POOL_WAIT_MS; any other
   * failure is a 503.
   */
  private async database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.pool.run(() => withTimeout(work(), this.env.DB_TIMEOUT_MS + 1_000, 'PostgreSQL'), isConnectTimeout);
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new DependencyUnavailable('database', error);
    }
  }
}

/** Admin sees every owner's reports; any other key only its owner's (never the ownerless ones). */
function visibleTo(owner: string | null, caller: Caller): boolean {
  return isAdmin(caller) || (owner !== null && owner === caller.owner);
}
