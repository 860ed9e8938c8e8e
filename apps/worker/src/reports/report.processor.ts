import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError, WaitingChildrenError, WaitingError, type Job } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ReportRowsRepository, ReportsRepository } from '@store-uptime/db';
import {
  failedJobReason,
  REPORT_CANCELLED_REASON,
  REPORT_JOBS,
  type ReportJobData,
  type ReportJobResult,
  type ReportShardJobData,
  type ReportShardResult,
} from '@store-uptime/queue';
import { ComputeAbortedError } from '../compute/compute-runner';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_METRICS } from '../tokens';
import { ReportPipelineService } from './report-pipeline.service';
import { ReportCancelled, ReportCancelWatch } from './report-cancel-watch';
import { WebhookRelayService } from '../webhooks/webhook-relay.service';
import { ReportFanOut } from './report-fan-out';

/** Jobs of the reports queue: a report, or one shard of a fanned-out report. */
export type ReportQueueJob = Job<ReportJobData, ReportJobResult> | Job<ReportShardJobData, ReportShardResult>;

function isShardJob(job: ReportQueueJob): job is Job<ReportShardJobData, ReportShardResult> {
  return job.name === REPORT_JOBS.shard;
}

/**
 * What the worker does with one job of the reports queue (the BullMQ Worker itself lives in
 * report-worker.ts): run the pipeline, and turn its outcome into the report row's state and a
 * result or an error BullMQ understands.
 */
@Injectable()
export class ReportProcessor {
  private shuttingDown = false;

  constructor(
    private readonly pipeline: ReportPipelineService,
    private readonly reports: ReportsRepository,
    private readonly reportRows: ReportRowsRepository,
    private readonly cancels: ReportCancelWatch,
    private readonly webhookRelay: WebhookRelayService,
    private readonly fanOut: ReportFanOut,
    @Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics,
    @InjectPinoLogger('ReportProcessor') private readonly logger: PinoLogger,
  ) {}

  /** From now on, a report cancelled by the drain deadline is handed back, not failed. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  process(job: ReportQueueJob, token?: string, signal?: AbortSignal): Promise<ReportJobResult | ReportShardResult> {
    return isShardJob(job) ? this.processShard(job, token, signal) : this.processReport(job, token, signal);
  }

  private async processReport(job: Job<ReportJobData, ReportJobResult>, token?: string, signal?: AbortSignal): Promise<ReportJobResult> {
    const attempt = job.attemptsMade + 1;
    const log = { reportId: job.data?.reportId, attempt, jobId: job.id };
    const watch = typeof job.data?.reportId === 'string' ? this.cancels.watch(job.data.reportId) : null;
    const signals = [signal, watch?.signal].filter((s): s is AbortSignal => s !== undefined);
    try {
      const result = await this.pipeline.run({
        data: job.data,
        attempt,
        updateProgress: (progress) => job.updateProgress(progress),
        signal: signals.length ? AbortSignal.any(signals) : undefined,
        shards: this.fanOut.forReport(job, token),
      });
      this.metrics.jobs.labels('complete').inc();
      // The report's events are in the outbox with its status (ReportsRepository): queue them now
      // rather than on the relay's next pass; never awaited, so no endpoint can delay the report.
      this.webhookRelay.nudge();
      return result;
    } catch (error) {
      // Fanned out: this run ends here, and the job runs again once its shards are done.
      if (error instanceof WaitingChildrenError) throw error;
      if (error instanceof ReportCancelled || watch?.signal.aborted) {
        // The row says cancelled already (the API wrote it); the job ends failed for good with a
        // reason the API reads as cancelled, and the pipeline has left no CSV behind.
        this.metrics.jobs.labels('cancelled').inc();
        this.logger.info(log, 'report cancelled');
        throw new UnrecoverableError(REPORT_CANCELLED_REASON);
      }
      if (this.shuttingDown && (signal?.aborted || error instanceof ComputeAbortedError)) {
        // Past the drain deadline: give the job back untouched (no attempt used) for another worker.
        await this.reports.requeue(job.data.reportId).catch(() => undefined);
        await job.updateProgress(0);
        await job.moveToWait(token);
        this.metrics.jobs.labels('requeued').inc();
        this.logger.warn(log, 'worker shutting down: report handed back to the queue');
        throw new WaitingError();
      }
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        const failed = await this.reports.fail(job.data.reportId, message).catch((dbError: unknown) => {
          // The job's own failed state still answers the API; the sweep brings the row in line later.
          this.logger.error({ ...log, err: dbError }, 'could not mark the report failed');
          return false;
        });
        // Rows an attempt wrote before it failed (the upload, say) have no report to serve. Only when
        // this failed it: a report another worker completed meanwhile keeps its rows.
        if (failed) {
          await this.reportRows.remove(job.data.reportId).catch((dbError: unknown) => {
            this.logger.warn({ ...log, err: dbError }, 'could not delete the rows of a failed report');
          });
        }
        this.metrics.jobs.labels('failed').inc();
        this.logger.error({ ...log, err: error }, 'report failed');
        this.webhookRelay.nudge();
      } else {
        await this.reports.requeue(job.data.reportId, `attempt ${attempt} failed: ${message}`).catch(() => undefined);
        this.metrics.jobs.labels('retry').inc();
        this.logger.warn({ ...log, err: error }, 'report attempt failed; BullMQ will retry');
      }
      // Rethrown so BullMQ records the failure and retries with backoff (a swallowed error would
      // mark the job completed with no CSV behind it).
      throw error;
    } finally {
      watch?.stop();
    }
  }

  /**
   * One shard: the same outcomes as a report, except that the report's row is the parent's to
   * start and complete. A shard failing for good fails the report (and, through
   * failParentOnFailure, its parent job); a cancelled one removes every part of the report.
   */
  private async processShard(job: Job<ReportShardJobData, ReportShardResult>, token?: string, signal?: AbortSignal): Promise<ReportShardResult> {
    const attempt = job.attemptsMade + 1;
    const reportId = job.data?.reportId;
    const log = { reportId, shard: job.data?.shard, attempt, jobId: job.id };
    const watch = typeof reportId === 'string' ? this.cancels.watch(reportId) : null;
    const signals = [signal, watch?.signal].filter((s): s is AbortSignal => s !== undefined);
    try {
      const result = await this.pipeline.runShard({
        data: job.data,
        attempt,
        signal: signals.length ? AbortSignal.any(signals) : undefined,
        shardsDone: () => this.fanOut.shardsDone(job),
        updateReportProgress: (progress) => this.fanOut.updateReportProgress(job, progress),
      });
      this.metrics.jobs.labels('shard_complete').inc();
      return result;
    } catch (error) {
      if (error instanceof ReportCancelled || watch?.signal.aborted) {
        await this.dropPendingShards(job, log);
        await this.pipeline.discardParts(reportId, log);
        await this.pipeline.discardRows(reportId, log);
        this.metrics.jobs.labels('cancelled').inc();
        this.logger.info(log, 'report cancelled: shard stopped, parts removed');
        throw new UnrecoverableError(REPORT_CANCELLED_REASON);
      }
      if (this.shuttingDown && (signal?.aborted || error instanceof ComputeAbortedError)) {
        // Past the drain deadline: the shard goes back untouched for another worker.
        await job.moveToWait(token);
        this.metrics.jobs.labels('requeued').inc();
        this.logger.warn(log, 'worker shutting down: shard handed back to the queue');
        throw new WaitingError();
      }
      const message = error instanceof Error ? error.message : String(error);
      const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        const shardOf = `shard ${(job.data?.shard ?? 0) + 1} of ${job.data?.shards ?? '?'}`;
        if (typeof reportId === 'string') {
          const failed = await this.reports.fail(reportId, `${message} (${shardOf})`).catch((dbError: unknown) => {
            this.logger.error({ ...log, err: dbError }, 'could not mark the report failed');
            return false;
          });
          await this.dropPendingShards(job, log);
          await this.pipeline.discardParts(reportId, log);
          // The rows other shards wrote have no report to serve (as for an unsharded report).
          if (failed) {
            await this.reportRows.remove(reportId).catch((dbError: unknown) => {
              this.logger.warn({ ...log, err: dbError }, 'could not delete the rows of a failed report');
            });
          }
        }
        this.metrics.jobs.labels('failed').inc();
        this.logger.error({ ...log, err: error }, 'report shard failed: the report fails');
        this.webhookRelay.nudge();
      } else {
        this.metrics.jobs.labels('retry').inc();
        this.logger.warn({ ...log, err: error }, 'report shard attempt failed; BullMQ will retry it alone');
      }
      throw error;
    } finally {
      watch?.stop();
    }
  }

  private async dropPendingShards(job: Job<ReportShardJobData, ReportShardResult>, log: object): Promise<void> {
    await this.fanOut.dropPendingShards(job).catch((error: unknown) => {
      // Each of them would still start, find the report finished, and stop at once.
      this.logger.warn({ ...log, err: error }, 'could not remove the shards not yet started');
    });
  }

  /**
   * Jobs that fail without our processor finishing them (stalled past maxStalledCount after a
   * worker died) would leave the row "running"; bring it in line. Idempotent: a row already
   * failed or complete is left alone.
   */
  async onFailed(job: ReportQueueJob | undefined, error: Error): Promise<void> {
    if (!job?.data?.reportId) return;
    try {
      if ((await job.getState()) !== 'failed') return;
      const changed = await this.reports.fail(job.data.reportId, failedJobReason(error.message));
      // A shard that stalled too often fails its report, whose parts must not outlive it.
      if (isShardJob(job)) await this.pipeline.discardParts(job.data.reportId, { reportId: job.data.reportId, jobId: job.id });
      if (changed) this.logger.warn({ reportId: job.data.reportId, jobId: job.id, reason: error.message }, 'report failed outside its processor');
    } catch (syncError) {
      this.logger.warn({ reportId: job.data.reportId, err: syncError }, 'could not sync a failed job to its report');
    }
  }
}
