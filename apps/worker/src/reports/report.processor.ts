import { Inject, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { UnrecoverableError, WaitingError, type Job, type WorkerOptions } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { failedJobReason, QUEUES, type ReportJobData, type ReportJobResult } from '@store-uptime/queue';
import { ComputeAbortedError } from '../compute/compute-runner';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_METRICS } from '../tokens';
import { ReportPipelineService } from './report-pipeline.service';
import { ReportRecordsService } from './report-records.service';

/**
 * BullMQ lock settings, chosen on purpose (house style):
 * - The engine runs in a worker thread, so the main event loop is never blocked for more than a
 *   few tens of milliseconds and BullMQ renews the lock every lockDuration/2 without fail. A
 *   20 s lock (WORKER_LOCK_MS) therefore never expires on a live worker, yet a SIGKILLed worker's
 *   report is taken over by another worker once the lock has expired and a stalled check
 *   (WORKER_STALLED_INTERVAL_MS, 10 s) has seen the job twice without it: at most about
 *   lockDuration + 2 × stalledInterval ≈ 40 s (issue 6; 30–40 s measured, docs/reliability.md).
 * - maxStalledCount 1: one stall (a crash, a kill, a lost node) is recovered; a report that stalls
 *   its worker a second time is probably what kills workers (e.g. out of memory), so it fails
 *   with a reason instead of taking down worker after worker.
 */
export const WORKER_MAX_STALLED_COUNT = 1;

/**
 * The options @Processor hands to BullMQ's Worker. Decorator options are static, so this object is
 * shared by reference and `applyLockSettings` writes the configured values into it while the
 * worker module's providers are created, before @nestjs/bullmq builds the Worker (in its
 * onModuleInit). One setting per process (the fault tests shorten it to see stalls in seconds).
 */
export const REPORT_WORKER_OPTIONS: Pick<WorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> = {
  lockDuration: 20_000,
  stalledInterval: 10_000,
  maxStalledCount: WORKER_MAX_STALLED_COUNT,
};

export function applyLockSettings(env: Pick<WorkerEnv, 'WORKER_LOCK_MS' | 'WORKER_STALLED_INTERVAL_MS'>): void {
  REPORT_WORKER_OPTIONS.lockDuration = env.WORKER_LOCK_MS;
  REPORT_WORKER_OPTIONS.stalledInterval = env.WORKER_STALLED_INTERVAL_MS;
}

/** The only processor of the reports queue; it lives in the worker app, never in the API. */
@Processor(QUEUES.reports, REPORT_WORKER_OPTIONS)
export class ReportProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private shuttingDown = false;
  private lastErrorLogged = 0;

  constructor(
    private readonly pipeline: ReportPipelineService,
    private readonly records: ReportRecordsService,
    private readonly config: ConfigService<WorkerEnv, true>,
    @Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics,
    @InjectPinoLogger('ReportProcessor') private readonly logger: PinoLogger,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    // Decorator options are static; concurrency comes from the validated config (house style).
    this.worker.concurrency = this.config.get('WORKER_CONCURRENCY', { infer: true });
  }

  override async process(
    job: Job<ReportJobData, ReportJobResult>,
    token?: string,
    signal?: AbortSignal,
  ): Promise<ReportJobResult> {
    const attempt = job.attemptsMade + 1;
    const log = { reportId: job.data?.reportId, attempt, jobId: job.id };
    try {
      const result = await this.pipeline.run({
        data: job.data,
        attempt,
        updateProgress: (progress) => job.updateProgress(progress),
        signal,
      });
      this.metrics.jobs.labels('complete').inc();
      return result;
    } catch (error) {
      if (this.shuttingDown && (signal?.aborted || error instanceof ComputeAbortedError)) {
        // Past the drain deadline: give the job back untouched (no attempt used) for another worker.
        await this.records.markRequeued(job.data.reportId).catch(() => undefined);
        await job.updateProgress(0);
        await job.moveToWait(token);
        this.metrics.jobs.labels('requeued').inc();
        this.logger.warn(log, 'worker shutting down: report handed back to the queue');
        throw new WaitingError();
      }
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        await this.records.markFailed(job.data.reportId, message).catch((dbError: unknown) => {
          // The job's own failed state still answers the API; the sweep brings the row in line later.
          this.logger.error({ ...log, err: dbError }, 'could not mark the report failed');
        });
        this.metrics.jobs.labels('failed').inc();
        this.logger.error({ ...log, err: error }, 'report failed');
      } else {
        await this.records.markRetrying(job.data.reportId, `attempt ${attempt} failed: ${message}`).catch(() => undefined);
        this.metrics.jobs.labels('retry').inc();
        this.logger.warn({ ...log, err: error }, 'report attempt failed; BullMQ will retry');
      }
      // Rethrown so BullMQ records the failure and retries with backoff (house style).
      throw error;
    }
  }

  /**
   * Jobs that fail without our processor finishing them (stalled past maxStalledCount after a
   * worker died) would leave the row "running"; bring it in line. Idempotent: a row already
   * failed or complete is left alone.
   */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<ReportJobData> | undefined, error: Error): Promise<void> {
    if (!job?.data?.reportId) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      const changed = await this.records.markFailed(job.data.reportId, failedJobReason(error.message));
      if (changed) this.logger.warn({ reportId: job.data.reportId, jobId: job.id, reason: error.message }, 'report failed outside its processor');
    } catch (syncError) {
      this.logger.warn({ reportId: job.data.reportId, err: syncError }, 'could not sync a failed job to its report');
    }
  }

  /** Redis connection errors while BullMQ reconnects: one structured line per 10 s, not console spam. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastErrorLogged < 10_000) return;
    this.lastErrorLogged = Date.now();
    this.logger.warn({ err: { message: error.message, code: (error as NodeJS.ErrnoException).code } }, 'worker connection error');
  }

  /**
   * Drain on SIGTERM (enableShutdownHooks): stop taking jobs and let running reports finish for up
   * to WORKER_DRAIN_SECONDS — shorter than the pod's termination grace period — then cancel them,
   * which hands each one back to the queue (see process) so another worker runs it.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    const drainMs = this.config.get('WORKER_DRAIN_SECONDS', { infer: true }) * 1000;
    const closing = this.worker.close();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'deadline'>((resolve) => {
      timer = setTimeout(() => resolve('deadline'), drainMs);
    });
    const outcome = await Promise.race([closing.then(() => 'drained' as const), deadline]);
    clearTimeout(timer);
    if (outcome === 'deadline') {
      this.logger.warn({ drainSeconds: drainMs / 1000 }, 'drain deadline reached: handing running reports back');
      this.worker.cancelAllJobs('worker shutting down');
      await closing;
    }
    this.logger.info('worker drained');
  }
}
