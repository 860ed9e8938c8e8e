import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Repository } from 'typeorm';
import type { ApiEnv } from '@store-uptime/config';
import { ReportEntity, ReportStatus } from '@store-uptime/db';
import {
  failedJobReason,
  logConnectionErrors,
  LOST_JOB_REASON,
  newReportId,
  readReportJob,
  QUEUES,
  REPORT_JOBS,
  reportJobOptions,
  withTimeout,
  type ReportJobData,
  type ReportJobResult,
} from '@store-uptime/queue';
import type { ReportStorage } from '@store-uptime/storage';
import { DependencyUnavailable, ProblemException, ProblemType, reportNotFound } from '../problem/problem';
import type { ApiMetrics } from '../metrics/api-metrics';
import { API_ENV, API_METRICS, REPORT_STORAGE } from '../tokens';
import type { TriggerParams } from './report-params';
import { ReuseCache } from './reuse-cache';

/** The state a client polls for (the original `/get_report` body maps 1:1 onto it). */
export type ReportState =
  | { status: 'running'; progress: number }
  | { status: 'complete'; url: string }
  | { status: 'failed'; error: string };

/** Live view of the queue job, when Redis still has it. */
type JobView =
  | { state: 'finished-ok'; result: ReportJobResult }
  | { state: 'finished-failed'; reason: string }
  | { state: 'pending'; progress: number };

/** Presigned URLs kept per API process (a few hundred bytes each); the oldest goes first. */
const URL_CACHE_LIMIT = 10_000;

/** Details of reports kept per API process (about a kilobyte each); the oldest goes first. */
const DETAILS_CACHE_LIMIT = 10_000;

/**
 * How long a finished report's details are reused without reading its row again. A complete or
 * failed row no longer changes (the worker's last write made it so), so the window only bounds how
 * long another process's later change of it (a retention purge, say) takes to be seen here.
 */
const FINISHED_DETAILS_REUSE_MS = 60_000;

/**
 * How long an unfinished report's row is reused while Redis says its job is still pending. Every
 * poll still reads the job (live progress, and the moment it finishes, when the row is read again);
 * only the row's transition fields (queued → running, attempts, started_at) may be this late. One
 * second is a client's usual poll interval; without it every poll of a report in flight was a
 * PostgreSQL read, which held GET /reports/{id} far below the original route's speed.
 */
const UNFINISHED_ROW_REUSE_MS = 1_000;

export interface ReportDetails {
  row: ReportEntity;
  status: ReportStatus;
  progress: number;
  error: string | null;
}

/**
 * Triggering and reading reports. The API never computes: it writes the durable row, enqueues the
 * job, and answers status reads from the BullMQ job (live) or the row (durable: it survives Redis
 * losing the job).
 */
@Injectable()
export class ReportsService {
  /** Presigned URLs of complete reports, reused while at least half their lifetime is left. */
  private readonly urlCache = new Map<string, { url: string; reuseUntil: number }>();
  /** GET /reports/:id: details of finished reports, and rows of unfinished ones (see the reuse windows above). */
  private readonly finishedDetails = new ReuseCache<ReportDetails>(DETAILS_CACHE_LIMIT);
  private readonly unfinishedRows = new ReuseCache<ReportEntity>(DETAILS_CACHE_LIMIT);

  constructor(
    @InjectQueue(QUEUES.reports) private readonly queue: Queue<ReportJobData, ReportJobResult>,
    @InjectRepository(ReportEntity) private readonly reports: Repository<ReportEntity>,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
    @Inject(API_ENV) private readonly env: ApiEnv,
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('ReportsService');
    logConnectionErrors(this.queue, (fields) => this.logger.warn(fields, 'Redis connection error'));
  }

  /** Creates the row, then the job (job id = report id). Returns the new report id. */
  async trigger(params: TriggerParams): Promise<string> {
    const id = newReportId();
    await this.database(() =>
      this.reports.insert({ id, status: ReportStatus.queued, asOf: params.asOf, method: params.method, progress: 0, attempts: 0 }),
    );
    const data: ReportJobData = { reportId: id, asOf: params.asOf?.toISOString() ?? null, method: params.method };
    try {
      await this.redis(() =>
        this.queue.add(REPORT_JOBS.compute, data, reportJobOptions(id, {
          attempts: this.env.REPORT_JOB_ATTEMPTS,
          backoffMs: this.env.REPORT_JOB_BACKOFF_MS,
        })),
      );
    } catch (error) {
      // The client gets a 503 and never learns this id; the row records why it never ran.
      await this.reports
        .update({ id, status: ReportStatus.queued }, { status: ReportStatus.failed, error: 'the report could not be queued', finishedAt: new Date() })
        .catch(() => undefined);
      throw error;
    }
    this.metrics.triggered.labels(params.method).inc();
    this.logger.info({ reportId: id, asOf: data.asOf, method: data.method }, 'report queued');
    return id;
  }

  /**
   * The hot path (`/get_report`): one Redis read for a report in flight, none for a complete one
   * already answered (cached URL), PostgreSQL only when Redis no longer has the job.
   */
  async state(id: string): Promise<ReportState> {
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
    if (job?.state === 'finished-ok') return { status: 'complete', url: await this.completeUrl(id, job.result.s3Key) };
    if (job?.state === 'finished-failed') return { status: 'failed', error: job.reason };
    if (job?.state === 'pending') return { status: 'running', progress: job.progress };

    // Redis has no job (trimmed after completion, or lost), or Redis is down: the row decides.
    const row = await this.database(() => this.reports.findOneBy({ id }));
    if (!row) {
      if (redisError) throw redisError;
      throw reportNotFound(id);
    }
    if (row.status === ReportStatus.complete && row.s3Key) return { status: 'complete', url: await this.completeUrl(id, row.s3Key) };
    if (row.status === ReportStatus.failed) return { status: 'failed', error: row.error ?? 'the report failed' };
    // Unfinished and we could not ask Redis: the live state is unknown.
    if (redisError) throw redisError;
    const lost = await this.failIfLost(id);
    return lost ? { status: 'failed', error: LOST_JOB_REASON } : { status: 'running', progress: row.progress };
  }

  /**
   * The row for GET /reports/:id, with the live job state folded in when Redis has it. The hot
   * path of status polls: a finished report's details are reused (no I/O); an unfinished one costs
   * one Redis read, plus its row at most once a second while the job is pending.
   */
  async details(id: string): Promise<ReportDetails> {
    const finished = this.finishedDetails.get(id);
    if (finished) return finished;

    // The job is read alongside the row (it is needed whenever the report is unfinished); a Redis
    // failure only matters then.
    const jobRead = this.jobView(id).then(
      (job) => ({ job }),
      () => ({ job: undefined }),
    );
    const recent = this.unfinishedRows.get(id);
    if (recent) {
      const { job } = await jobRead;
      if (job?.state === 'pending') return { row: recent, status: recent.status, progress: job.progress, error: recent.error };
      // Finished, gone or unknown: the row decides, read afresh.
      this.unfinishedRows.delete(id);
    }

    const row = await this.database(() => this.reports.findOneBy({ id }));
    if (!row) throw reportNotFound(id);
    if (row.status === ReportStatus.complete || row.status === ReportStatus.failed) {
      return this.finishedDetails.set(id, { row, status: row.status, progress: row.progress, error: row.error }, FINISHED_DETAILS_REUSE_MS);
    }
    const { job } = await jobRead;
    // Redis down: the row is still a truthful (if slightly stale) answer.
    if (job === undefined) return { row, status: row.status, progress: row.progress, error: row.error };
    if (job?.state === 'pending') {
      this.unfinishedRows.set(id, row, UNFINISHED_ROW_REUSE_MS);
      return { row, status: row.status, progress: job.progress, error: row.error };
    }
    if (job?.state === 'finished-failed') return { row, status: ReportStatus.failed, progress: row.progress, error: job.reason };
    if (job?.state === 'finished-ok') return { row, status: ReportStatus.complete, progress: 1, error: null };
    if (await this.failIfLost(id)) return { row, status: ReportStatus.failed, progress: row.progress, error: LOST_JOB_REASON };
    return { row, status: row.status, progress: row.progress, error: row.error };
  }

  /** A fresh presigned URL of a complete report (GET /reports/:id/download). */
  async downloadUrl(id: string): Promise<string> {
    const { row, status, error } = await this.details(id);
    if (status === ReportStatus.complete && row.s3Key) return this.presign(id, row.s3Key);
    if (status === ReportStatus.failed) {
      throw new ProblemException(HttpStatus.CONFLICT, ProblemType.reportFailed, 'Report failed', `The report failed: ${error ?? 'unknown reason'}`);
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
    const job = await this.redis(() => readReportJob(this.queue, id));
    if (!job) return null;
    if (job.finished) {
      if (job.result) return { state: 'finished-ok', result: job.result };
      return { state: 'finished-failed', reason: failedJobReason(job.failedReason ?? undefined) };
    }
    return { state: 'pending', progress: Math.round(job.progress * 100) / 100 };
  }

  /**
   * A row still unfinished whose job Redis does not have is failed once it is older than
   * REPORT_LOST_AFTER_SECONDS (younger: the job may be being added right now). Conditional, so it
   * cannot overwrite a worker's own outcome. Returns whether the report is (now) lost.
   */
  private async failIfLost(id: string): Promise<boolean> {
    const result = await this.database(() =>
      this.reports
        .createQueryBuilder()
        .update()
        .set({ status: ReportStatus.failed, error: LOST_JOB_REASON, finishedAt: () => 'now()' })
        .where('id = :id AND status IN (:...unfinished)', { id, unfinished: [ReportStatus.queued, ReportStatus.running] })
        .andWhere('created_at < now() - make_interval(secs => :seconds)', { seconds: this.env.REPORT_LOST_AFTER_SECONDS })
        .execute(),
    );
    const lost = (result.affected ?? 0) > 0;
    if (lost) {
      this.metrics.lost.inc();
      this.logger.warn({ reportId: id }, 'report job vanished from the queue; marked failed');
    }
    return lost;
  }

  private async completeUrl(id: string, s3Key: string): Promise<string> {
    const url = await this.presign(id, s3Key);
    if (this.urlCache.size >= URL_CACHE_LIMIT) {
      // Maps iterate in insertion order: drop the oldest entry.
      const oldest = this.urlCache.keys().next().value;
      if (oldest !== undefined) this.urlCache.delete(oldest);
    }
    this.urlCache.set(id, { url, reuseUntil: Date.now() + (this.env.REPORT_URL_TTL_SECONDS * 1000) / 2 });
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

  /** PostgreSQL work (the pool has connect and statement timeouts); any failure is a 503. */
  private async database<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout(work(), this.env.DB_TIMEOUT_MS + 1_000, 'PostgreSQL');
    } catch (error) {
      if (error instanceof ProblemException) throw error;
      throw new DependencyUnavailable('database', error);
    }
  }
}
