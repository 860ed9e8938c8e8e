import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import type { WorkerEnv } from '@store-uptime/config';
import {
  isReportId,
  type ReportJobData,
  type ReportJobResult,
  type ReportShardJobData,
  type ReportShardPlanData,
  type ReportShardResult,
} from '@store-uptime/queue';
import { isUptimeMethod, UPTIME_METHODS, type UptimeReportStats } from '@store-uptime/uptime';
import { describeS3Error, reportKey, reportPartKey, reportPartsPrefix, type ReportStorage } from '@store-uptime/storage';
import { planReportShards, ReportRowsRepository, ReportsRepository, ReportStatus, type ReportEntity } from '@store-uptime/db';
import { reportWarnings } from '@store-uptime/uptime';
import { ComputeAbortedError, type ComputeRunner } from '../compute/compute-runner';
import type { ComputeResult, ComputeStage } from '../compute/report-computation';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { COMPUTE_RUNNER, REPORT_STORAGE, WORKER_ENV, WORKER_METRICS } from '../tokens';
import { ReportCancelled } from './report-cancel-watch';
import { ReportSlices } from './report-slices';

/** Progress reported at each stage (0…1), to the job (live) and to the reports row (durable). */
const PROGRESS = { started: 0.05, loaded: 0.4, computed: 0.8, uploaded: 0.95, complete: 1 } as const;

/** A fanned-out report's progress once `done` of its `total` shards are stored: they fill [started, 0.9]. */
export function shardsProgress(done: number, total: number): number {
  return PROGRESS.started + (0.9 - PROGRESS.started) * Math.min(done / total, 1);
}

type Stage = 'load' | 'compute' | 'rows' | 'upload' | 'record';

const STAGE_TEXT: Record<Stage, string> = {
  load: 'reading the data from PostgreSQL failed',
  compute: 'computing the report failed',
  rows: 'writing the report rows to PostgreSQL failed',
  upload: 'writing the CSV to S3 failed',
  record: 'updating the report record failed',
};

/** A failure with a message fit for the client (stage + short cause, no stack, no internals). */
export class ReportStageError extends Error {
  override readonly name = 'ReportStageError';
  constructor(
    readonly stage: Stage,
    cause: unknown,
  ) {
    super(`${STAGE_TEXT[stage]}: ${describeCause(stage, cause)}`.slice(0, 1_000), { cause });
  }
}

/**
 * Network failures in words, without the address the error message carries ("connect ECONNREFUSED
 * 10.0.3.7:5432"): the reason is shown to clients, and the stage already names the dependency.
 * Found by the fault suite (test/faults), whose PostgreSQL and S3 outages surfaced internal addresses.
 */
const NETWORK_FAILURES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  EPIPE: 'connection closed',
};

export function networkFailure(cause: unknown): string | null {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  const text = code ? NETWORK_FAILURES[code] : undefined;
  return text ? `${text} (${code})` : null;
}

function describeCause(stage: Stage, cause: unknown): string {
  const network = networkFailure(cause);
  if (network) return network;
  if (stage === 'upload') return describeS3Error(cause);
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return String(cause);
}

/** What the pipeline needs from a BullMQ job; a plain object in unit tests. */
export interface ReportJobContext {
  data: ReportJobData;
  /** 1 for the first run, 2 for the first retry… */
  attempt: number;
  updateProgress(progress: number): Promise<void>;
  /** Aborts the report: a cancel, or the worker's drain deadline. */
  signal?: AbortSignal;
  /** The queue side of a fan-out (ReportFanOut); without it the report is always computed whole. */
  shards?: ShardedReportJob;
}

/** What a report's job does to run its shards as its children (a BullMQ flow). */
export interface ShardedReportJob {
  /**
   * Keeps the plan in the job, adds one child per range unless they were added already (a rerun
   * of the parent), and returns once every child is done; while any is not, it throws BullMQ's
   * WaitingChildrenError, which ends this run of the parent until its children have finished.
   */
  fanOut(plan: ReportShardPlanData): Promise<void>;
  /** What the children returned, once all are done. */
  results(): Promise<ReportShardResult[]>;
}

/** A shard's job: its payload, and what it tells its parent. */
export interface ReportShardJobContext {
  data: ReportShardJobData;
  attempt: number;
  signal?: AbortSignal;
  /** Shards of the report already stored (this one not included). */
  shardsDone(): Promise<number>;
  /** Writes the report's progress to the parent job (what the API reads). */
  updateReportProgress(progress: number): Promise<void>;
}

/**
 * One report, start to finish: mark running → load the window and run the engine (in a thread)
 * → write its rows to PostgreSQL → stream the CSV to S3 → mark complete. Every stage moves the progress; every failure becomes
 * a ReportStageError (retried by BullMQ) or an UnrecoverableError (parameters that can never work).
 */
@Injectable()
export class ReportPipelineService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly reportRows: ReportRowsRepository,
    private readonly dataSource: DataSource,
    private readonly slices: ReportSlices,
    @Inject(WORKER_ENV) private readonly env: Pick<WorkerEnv, 'REPORT_SHARD_STORES'>,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
    @Inject(COMPUTE_RUNNER) private readonly compute: ComputeRunner,
    @Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics,
    @InjectPinoLogger('ReportPipeline') private readonly logger: PinoLogger,
  ) {}

  async run(job: ReportJobContext): Promise<ReportJobResult> {
    const { reportId, asOf, method } = validatePayload(job.data);
    const log = { reportId, attempt: job.attempt };
    const started = performance.now();

    const row = await this.stage('record', () => this.reports.find(reportId));
    if (!row) throw new UnrecoverableError(`report ${reportId} does not exist in the reports table`);
    if (row.status === ReportStatus.complete && row.s3Key) {
      // A retry after the row was already written (e.g. the worker died right after): nothing to redo.
      this.logger.info(log, 'report already complete; not recomputed');
      if (job.data.shards) await this.discardParts(reportId, log);
      return storedResult(row);
    }
    if (job.data.shards && job.shards) {
      // The parent again: its shards are done, or this is a retry after a failed attempt or a
      // hand-back (which set the row queued: it runs again, its shards' parts still there).
      const restarted = () => this.stage('record', () => this.reports.start(reportId, row.progress));
      const resumed = row.status === ReportStatus.running || (row.status === ReportStatus.queued && (await restarted()));
      if (!resumed) {
        await this.discardParts(reportId, log);
        throw notRunnable(await this.stage('record', () => this.reports.find(reportId)));
      }
      await job.shards.fanOut(job.data.shards);
      return this.assemble(job, job.data.shards, log, started);
    }

    if (!(await this.stage('record', () => this.reports.start(reportId, PROGRESS.started)))) {
      // Cancelled (or otherwise finished) between the trigger and now: never started.
      throw notRunnable(await this.stage('record', () => this.reports.find(reportId)));
    }
    await job.updateProgress(PROGRESS.started);
    this.logger.info({ ...log, asOf, method, computeMode: this.compute.mode }, 'report started');

    if (job.shards) {
      // `now` is decided here, once, for the whole fleet, and handed to every shard.
      const shardStores = this.env.REPORT_SHARD_STORES;
      const planning = planReportShards(this.dataSource, { ...(asOf ? { asOf: new Date(asOf) } : {}), shardStores });
      const plan = await this.stage('load', () => untilAborted(planning, job.signal));
      if (plan) {
        const shards: ReportShardPlanData = { nowUs: plan.nowUs, ranges: plan.ranges };
        this.logger.info({ ...log, stores: plan.stores, shards: plan.ranges.length, shardStores, nowUs: plan.nowUs }, 'report fanned out');
        await job.shards.fanOut(shards);
        return this.assemble(job, shards, log, started);
      }
    }

    let loaded = false;
    // Progress writes start while the computation runs and are awaited once it is done. Each is
    // marked handled at once: a write that fails meanwhile (Redis lost the job) must fail this
    // attempt below, not crash the worker as an unhandled rejection.
    const progressWrites: Promise<unknown>[] = [];
    const track = (write: Promise<void>) => {
      write.catch(() => undefined);
      progressWrites.push(write);
    };
    const timer = this.metrics.stageTimer();
    const result: ComputeResult = await this.compute
      .run(
        { asOf, method },
        (stage) => {
          if (stage.stage === 'loaded') {
            loaded = true;
            timer.done('load');
            this.logger.info({ ...log, pollsRead: stage.pollsRead }, 'window loaded');
            track(this.progress(job, PROGRESS.loaded));
          } else {
            timer.done('compute');
            track(this.progress(job, PROGRESS.computed));
          }
        },
        job.signal,
      )
      .catch((error: unknown) => {
        if (job.signal?.aborted) throw error;
        throw new ReportStageError(loaded ? 'compute' : 'load', error);
      });
    await Promise.all(progressWrites);
    this.logger.info({ ...log, stores: result.rows, nowUs: result.nowUs, stats: result.stats }, 'report computed');

    const key = reportKey(reportId);
    try {
      await this.stage('rows', () => this.reportRows.replace(reportId, result.report));
      if (job.signal?.aborted) throw job.signal.reason;
      timer.done('rows');
      await this.storeOrDiscard(key, job.signal, log, () => this.slices.persist(key, result, { header: true, signal: job.signal }));
    } catch (error) {
      // Stopped (a cancel, the drain deadline): the rows go with the CSV; a retry writes them again.
      if (job.signal?.aborted) await this.discardRows(reportId, log);
      throw error;
    }
    timer.done('upload');
    await this.progress(job, PROGRESS.uploaded);
    return this.finish(job, key, result.nowUs, result.stats, log, started);
  }

  /**
   * The parent of a fanned-out report, its shards done: one CSV from the parts in store order,
   * the shards' counts summed, the report completed, then the parts removed.
   */
  private async assemble(job: ReportJobContext, plan: ReportShardPlanData, log: { reportId: string; attempt: number }, started: number): Promise<ReportJobResult> {
    const { reportId } = log;
    const results = (await this.stage('record', () => job.shards!.results())).sort((a, b) => a.shard - b.shard);
    if (results.length !== plan.ranges.length || results.some((result, i) => result.shard !== i)) {
      throw new ReportStageError('record', new Error(`${results.length} of the ${plan.ranges.length} shards returned a part`));
    }
    const key = reportKey(reportId);
    const timer = this.metrics.stageTimer();
    await this.storeOrDiscard(key, job.signal, log, () => this.slices.assemble(key, results.map((result) => result.partKey), job.signal));
    timer.done('upload');
    await this.progress(job, PROGRESS.uploaded);
    this.logger.info({ ...log, shards: results.length }, 'report assembled from its shards');
    const outcome = await this.finish(job, key, plan.nowUs, mergeShardStats(results), log, started);
    await this.discardParts(reportId, log);
    return outcome;
  }

  /**
   * One shard of a fanned-out report: its stores' window with the fleet's `now`, the same engine,
   * and its part stored under the report's prefix. A report no longer running (cancelled, or
   * failed by another shard) keeps no part of it.
   */
  async runShard(job: ReportShardJobContext): Promise<ReportShardResult> {
    const data = validateShardPayload(job.data);
    const { reportId, shard } = data;
    const log = { reportId, shard, attempt: job.attempt };
    const row = await this.stage('record', () => this.reports.find(reportId));
    if (!isUnfinished(row)) throw notRunnable(row);
    const timer = this.metrics.stageTimer();
    let loaded = false;
    const onStage = (stage: ComputeStage) => {
      if (stage.stage === 'loaded') loaded = true;
      timer.done(stage.stage === 'loaded' ? 'load' : 'compute');
    };
    const result = await this.compute
      .run({ asOf: null, method: data.method, shard: { nowUs: data.nowUs, stores: { from: data.from, to: data.to } } }, onStage, job.signal)
      .catch((error: unknown) => {
        if (job.signal?.aborted) throw error;
        throw new ReportStageError(loaded ? 'compute' : 'load', error);
      });
    const key = reportPartKey(reportId, shard);
    // Its stores' rows only: a retried shard replaces its own range and never touches another's.
    await this.stage('rows', () => this.reportRows.replace(reportId, result.report, { from: data.from ?? undefined, to: data.to ?? undefined }));
    timer.done('rows');
    await this.storeOrDiscard(key, job.signal, log, () => this.slices.persist(key, result, { header: false, signal: job.signal }));
    timer.done('upload');
    const current = await this.stage('record', () => this.reports.find(reportId));
    const completedElsewhere = current?.status === ReportStatus.complete;
    if (!isUnfinished(current)) {
      await this.discard(key, log);
      // Cancelled or failed meanwhile: its rows (written after the report's were removed) go too.
      if (!completedElsewhere) await this.discardRows(reportId, log);
      throw notRunnable(current);
    }
    const done = (await job.shardsDone()) + 1;
    const progress = shardsProgress(done, data.shards);
    await job.updateReportProgress(progress);
    await this.reports.setProgress(reportId, progress).catch((error: unknown) => {
      this.logger.warn({ ...log, err: error }, 'could not record progress');
    });
    this.logger.info({ ...log, stores: result.rows, pollsRead: result.pollsRead, done, of: data.shards }, 'shard stored');
    const { stats } = result;
    return {
      shard,
      partKey: key,
      rows: result.rows,
      pollsRead: result.pollsRead,
      pollsAfterNow: stats.pollsAfterNow,
      zonesMissing: stats.zonesMissing,
      zonesInvalid: stats.zonesInvalid,
    };
  }

  /** Every part of the report, best effort (the retention sweep removes whatever is left). */
  async discardParts(reportId: string, log: object): Promise<void> {
    await this.slices.discardParts(reportPartsPrefix(reportId)).catch((error: unknown) => {
      this.logger.error({ ...log, err: error }, 'could not delete the parts of a report');
    });
  }

  /** Runs `store` (an upload to `key`); if the report was stopped meanwhile, nothing of it stays. */
  private async storeOrDiscard(key: string, signal: AbortSignal | undefined, log: object, store: () => Promise<void>): Promise<void> {
    try {
      await this.stage('upload', store);
      if (signal?.aborted) throw signal.reason;
    } catch (error) {
      // Stopped mid-upload (or just after it): the upload has settled, so nothing can land after this.
      if (signal?.aborted) await this.discard(key, log);
      throw error;
    }
  }

  /** The report's row completed with what it found, unless it was cancelled (or completed by another worker) meanwhile. */
  private async finish(
    job: ReportJobContext,
    key: string,
    nowUs: number | null,
    stats: UptimeReportStats,
    log: { reportId: string; attempt: number },
    started: number,
  ): Promise<ReportJobResult> {
    const { reportId } = log;
    const nowUsed = nowUs === null ? null : new Date(nowUs / 1000);
    const warnings = reportWarnings(stats);
    if (warnings.length > 0) this.logger.warn({ ...log, warnings }, `report has warnings: ${warnings.map((w) => `${w.code} ${w.count}`).join(', ')}`);
    const completed = await this.stage('record', () =>
      this.reports.complete(reportId, {
        s3Key: key,
        storesCount: stats.stores,
        // Rows were validated (and bad ones counted) at ingest; here only polls after `now` are left out.
        pollsAfterNow: stats.pollsAfterNow,
        nowUsed,
        warnings,
      }),
    );
    if (!completed) {
      const current = await this.stage('record', () => this.reports.find(reportId));
      // Another worker (this job taken over after a stall) completed it first, with the same key and CSV.
      if (current?.status === ReportStatus.complete && current.s3Key) return storedResult(current);
      // Cancelled while it ran: neither the CSV nor the rows may outlive the report.
      await this.discard(key, log);
      await this.discardRows(reportId, log);
      throw notRunnable(current);
    }
    await job.updateProgress(PROGRESS.complete);
    const seconds = (performance.now() - started) / 1000;
    this.metrics.reportSeconds.observe(seconds);
    this.logger.info({ ...log, key, seconds }, 'report complete');
    return { s3Key: key, storesCount: stats.stores, nowUsed: nowUsed?.toISOString() ?? null };
  }

  private async discard(key: string, log: object): Promise<void> {
    await this.storage.discard(key).catch((error: unknown) => {
      this.logger.error({ ...log, key, err: error }, 'could not delete the CSV of a stopped report');
    });
  }

  /** The rows of a report that was stopped or finished otherwise; best effort (the sweep removes what is left). */
  async discardRows(reportId: string, log: object): Promise<void> {
    await this.reportRows.remove(reportId).catch((error: unknown) => {
      this.logger.error({ ...log, err: error }, 'could not delete the rows of a stopped report');
    });
  }

  /** Progress to the job (what the API reads) and the row (durable); the row write is best effort. */
  private async progress(job: ReportJobContext, value: number): Promise<void> {
    await job.updateProgress(value);
    await this.reports.setProgress(job.data.reportId, value).catch((error: unknown) => {
      this.logger.warn({ reportId: job.data.reportId, attempt: job.attempt, err: error }, 'could not record progress');
    });
  }

  private async stage<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw error instanceof ReportStageError || error instanceof UnrecoverableError ? error : new ReportStageError(stage, error);
    }
  }
}

function storedResult(row: ReportEntity): ReportJobResult {
  return { s3Key: row.s3Key ?? '', storesCount: row.storesCount ?? 0, nowUsed: row.nowUsed?.toISOString() ?? null };
}

/**
 * `work`, or the signal's reason once it aborts (a cancel, the drain deadline): the plan's
 * queries wait behind a lock like the window read does, and a stopped report must not wait with
 * them. The query itself ends when the lock is released; its result is then ignored.
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  work.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new ComputeAbortedError(String(signal.reason ?? 'aborted')));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A shard runs while its report is running, or queued again between two attempts of the report's
 * own job (a failed attempt or a hand-back while its shards were out); any other state ends it.
 */
function isUnfinished(row: ReportEntity | null): row is ReportEntity {
  return row?.status === ReportStatus.running || row?.status === ReportStatus.queued;
}

/** Why a report this worker was about to start or finish is no longer its to run. */
function notRunnable(row: ReportEntity | null): Error {
  if (row?.status === ReportStatus.cancelled) return new ReportCancelled('the report was cancelled');
  return new UnrecoverableError(row ? `the report is already ${row.status}` : 'the report no longer exists');
}

/** The counts of the whole report: the shards' own, added up (each store is in exactly one shard). */
export function mergeShardStats(results: readonly ReportShardResult[]): UptimeReportStats {
  const stats: UptimeReportStats = { stores: 0, pollsRead: 0, pollsAfterNow: 0, zonesMissing: 0, zonesInvalid: {} };
  for (const result of results) {
    stats.stores += result.rows;
    stats.pollsRead += result.pollsRead;
    stats.pollsAfterNow += result.pollsAfterNow;
    stats.zonesMissing += result.zonesMissing;
    for (const [zone, count] of Object.entries(result.zonesInvalid)) stats.zonesInvalid[zone] = (stats.zonesInvalid[zone] ?? 0) + count;
  }
  return stats;
}

function validateShardPayload(data: ReportShardJobData): ReportShardJobData {
  if (!data || !isReportId(data.reportId)) throw new UnrecoverableError('the shard job has no valid report id');
  if (!isUptimeMethod(data.method)) throw new UnrecoverableError(`unknown method ${JSON.stringify(data.method)}`);
  if (!Number.isFinite(data.nowUs) || !Number.isInteger(data.shard) || !Number.isInteger(data.shards)) {
    throw new UnrecoverableError('the shard job has no valid now or shard number');
  }
  return data;
}

/** The payload is ours, but Redis is shared: anything malformed can never succeed, so it is not retried. */
function validatePayload(data: ReportJobData): ReportJobData {
  if (!data || !isReportId(data.reportId)) throw new UnrecoverableError('the job has no valid report id');
  if (!isUptimeMethod(data.method)) {
    throw new UnrecoverableError(`unknown method ${JSON.stringify(data.method)} (expected ${UPTIME_METHODS.join(' or ')})`);
  }
  if (data.asOf !== null && (typeof data.asOf !== 'string' || Number.isNaN(Date.parse(data.asOf)))) {
    throw new UnrecoverableError('as_of is not a valid ISO-8601 instant');
  }
  return data;
}
