import { PassThrough } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { writeReportCsv } from '@store-uptime/csv';
import { isReportId, type ReportJobData, type ReportJobResult } from '@store-uptime/queue';
import { isUptimeMethod, reportTable, UPTIME_METHODS } from '@store-uptime/uptime';
import { describeS3Error, reportKey, type ReportStorage } from '@store-uptime/storage';
import { ReportRowsRepository, ReportsRepository, ReportStatus, type ReportEntity } from '@store-uptime/db';
import { reportWarnings } from '@store-uptime/uptime';
import type { ComputeRunner } from '../compute/compute-runner';
import type { ComputeResult } from '../compute/report-computation';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { COMPUTE_RUNNER, REPORT_STORAGE, WORKER_METRICS } from '../tokens';
import { ReportCancelled } from './report-cancel-watch';

/** Progress reported at each stage (0…1), to the job (live) and to the reports row (durable). */
const PROGRESS = { started: 0.05, loaded: 0.4, computed: 0.8, uploaded: 0.95, complete: 1 } as const;

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
      return storedResult(row);
    }

    if (!(await this.stage('record', () => this.reports.start(reportId, PROGRESS.started)))) {
      // Cancelled (or otherwise finished) between the trigger and now: never started.
      throw notRunnable(await this.stage('record', () => this.reports.find(reportId)));
    }
    await job.updateProgress(PROGRESS.started);
    this.logger.info({ ...log, asOf, method, computeMode: this.compute.mode }, 'report started');

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
      await this.stage('rows', () => this.writeRows(reportId, result));
      if (job.signal?.aborted) throw job.signal.reason;
      timer.done('rows');
      await this.stage('upload', async () => {
        await this.storage.ensureBucket();
        await this.uploadCsv(key, result, job.signal);
      });
      if (job.signal?.aborted) throw job.signal.reason;
    } catch (error) {
      // Stopped mid-upload (or just after it): the upload has settled, so nothing can land after this.
      if (job.signal?.aborted) await this.discard(reportId, key, log);
      throw error;
    }
    timer.done('upload');
    await this.progress(job, PROGRESS.uploaded);

    const nowUsed = result.nowUs === null ? null : new Date(result.nowUs / 1000);
    const warnings = reportWarnings(result.stats);
    if (warnings.length > 0) this.logger.warn({ ...log, warnings }, `report has warnings: ${warnings.map((w) => `${w.code} ${w.count}`).join(', ')}`);
    const completed = await this.stage('record', () =>
      this.reports.complete(reportId, {
        s3Key: key,
        storesCount: result.rows,
        // Rows were validated (and bad ones counted) at ingest; here only polls after `now` are left out.
        pollsAfterNow: result.stats.pollsAfterNow,
        nowUsed,
        warnings,
      }),
    );
    if (!completed) {
      const current = await this.stage('record', () => this.reports.find(reportId));
      // Another worker (this job taken over after a stall) completed it first, with the same key and CSV.
      if (current?.status === ReportStatus.complete && current.s3Key) return storedResult(current);
      // Cancelled while it ran: neither the CSV nor the rows may outlive the report.
      await this.discard(reportId, key, log);
      throw notRunnable(current);
    }
    await job.updateProgress(PROGRESS.complete);
    const seconds = (performance.now() - started) / 1000;
    this.metrics.reportSeconds.observe(seconds);
    this.logger.info({ ...log, key, seconds }, 'report complete');
    return { s3Key: key, storesCount: result.rows, nowUsed: nowUsed?.toISOString() ?? null };
  }

  private async uploadCsv(key: string, result: ComputeResult, signal?: AbortSignal): Promise<void> {
    // The arrays the compute thread handed over, as the report table again (no copy).
    const table = reportTable(result.report);
    const body = new PassThrough();
    // Stopping the body (rather than Upload.abort(), which returns while a PUT is still in flight)
    // makes the upload settle only once S3 has answered: a multipart upload is aborted by the SDK
    // (leavePartsOnError false), and whatever did land is then deleted by discard().
    const onAbort = () => body.destroy(new Error('the upload was stopped'));
    signal?.addEventListener('abort', onAbort, { once: true });
    // Both sides must settle: a failed upload stops reading (the writer then errors too) and vice versa.
    const writing = writeReportCsv(table, body).catch((error: unknown) => {
      body.destroy(error as Error);
      throw error;
    });
    const uploading = this.storage.upload(key, body).catch((error: unknown) => {
      body.destroy();
      throw error;
    });
    const [written, uploaded] = await Promise.allSettled([writing, uploading]);
    signal?.removeEventListener('abort', onAbort);
    if (uploaded.status === 'rejected') throw uploaded.reason;
    if (written.status === 'rejected') throw written.reason;
  }

  /**
   * The report's rows as data (GET /reports/{id}/stores, JSON Lines), from the same arrays the CSV
   * is written from. The one place the pipeline writes them: a report computed in store-range
   * shards calls ReportRowsRepository.replace once per shard with that shard's range instead.
   */
  private async writeRows(reportId: string, result: ComputeResult): Promise<void> {
    await this.reportRows.replace(reportId, result.report);
  }

  private async discard(reportId: string, key: string, log: object): Promise<void> {
    await this.storage.discard(key).catch((error: unknown) => {
      this.logger.error({ ...log, key, err: error }, 'could not delete the CSV of a stopped report');
    });
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

/** Why a report this worker was about to start or finish is no longer its to run. */
function notRunnable(row: ReportEntity | null): Error {
  if (row?.status === ReportStatus.cancelled) return new ReportCancelled('the report was cancelled');
  return new UnrecoverableError(row ? `the report is already ${row.status}` : 'the report no longer exists');
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
