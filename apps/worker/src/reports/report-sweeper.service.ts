import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { ReportRowsRepository, ReportsRepository, WebhooksRepository } from '@store-uptime/db';
import { failedJobReason, IDEMPOTENCY_KEY_TTL_HOURS, LOST_JOB_REASON, QUEUES, withTimeout } from '@store-uptime/queue';
import { reportKey, reportPartsPrefix, type ReportStorage } from '@store-uptime/storage';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { REPORT_STORAGE, WORKER_METRICS } from '../tokens';

/**
 * Reports judged per pass, oldest first. Not a setting: unfinished reports past
 * REPORT_LOST_AFTER_SECONDS are rare (a lost Redis, a crashed fleet), and a longer backlog is worked
 * off 200 per REPORT_SWEEP_SECONDS without holding one pass open for long.
 */
const BATCH = 200;
/**
 * A Redis read that has not answered in 5 s means Redis is in trouble: the pass stops and the next
 * one tries again (the job's state is never guessed). Not a setting: it only bounds a stuck pass.
 */
const REDIS_READ_TIMEOUT_MS = 5_000;

/**
 * Housekeeping every REPORT_SWEEP_SECONDS, in every worker (the updates are conditional, so
 * concurrent sweeps are harmless):
 * - no report stays Running forever: reports still queued or running after
 *   REPORT_LOST_AFTER_SECONDS whose job no longer exists (Redis lost it) are failed by the lost-job
 *   rule (ReportsRepository.failLost, which the API's status read applies to the one report it is
 *   asked about), and those whose job failed without the row saying so get its reason;
 * - retention: complete reports older than REPORT_RETENTION_DAYS lose their CSV and their rows and
 *   become expired (download and legacy status then answer 410); idempotency keys past their 24 h go,
 *   and so do webhook deliveries (messages, attempts) and report callbacks of that age.
 */
@Injectable()
export class ReportSweeperService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly reports: ReportsRepository,
    private readonly webhooks: WebhooksRepository,
    private readonly reportRows: ReportRowsRepository,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
    private readonly config: ConfigService<WorkerEnv, true>,
    @Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics,
    @InjectPinoLogger('ReportSweeper') private readonly logger: PinoLogger,
  ) {
    // The queue handle is shared with the health check; its reconnect errors are the twin of the
    // ones ReportWorker logs, so they are dropped here rather than printed by BullMQ.
    this.queue.on('error', () => undefined);
  }

  onApplicationBootstrap(): void {
    const seconds = this.config.get('REPORT_SWEEP_SECONDS', { infer: true });
    if (seconds === 0) return;
    this.timer = setInterval(() => void this.sweepOnce(), seconds * 1000);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass; returns how many reports it marked failed and expired. Skipped while a pass is still running. */
  async sweepOnce(): Promise<{ failed: number; expired: number }> {
    const counts = { failed: 0, expired: 0 };
    if (this.running) return counts;
    this.running = (async () => {
      try {
        counts.failed = await this.sweepLost();
      } catch (error) {
        // Redis or PostgreSQL unreachable: nothing can be judged now; the next pass tries again.
        this.logger.warn({ err: error }, 'lost-report sweep skipped');
      }
      try {
        counts.expired = await this.sweepExpired();
      } catch (error) {
        this.logger.warn({ err: error }, 'retention sweep skipped');
      }
    })();
    await this.running;
    this.running = null;
    return counts;
  }

  /**
   * The CSV and the rows are deleted before the row says expired: a pass cut short in between
   * leaves a complete row the next pass expires (deleting is idempotent), never an expired row with
   * an object or rows left.
   */
  private async sweepExpired(): Promise<number> {
    const retentionSeconds = this.config.get('REPORT_RETENTION_DAYS', { infer: true }) * 86_400;
    let expired = 0;
    for (const { id, s3Key } of await this.reports.findExpirable(retentionSeconds, BATCH)) {
      await this.storage.discard(s3Key ?? reportKey(id));
      await this.reportRows.remove(id);
      // Parts a fanned-out report left behind (its assembly or cancel cut short).
      await this.storage.discardPrefix(reportPartsPrefix(id));
      if (await this.reports.expire(id)) {
        expired++;
        this.metrics.expiredReports.inc();
        this.logger.info({ reportId: id }, 'report expired: its CSV and rows were deleted');
      }
    }
    await this.reports.deleteStaleIdempotencyKeys(IDEMPOTENCY_KEY_TTL_HOURS);
    // Webhook messages and their attempts live as long as a report's CSV: long after their last
    // retry (≈ 24 h), and gone with the report's data, whatever its final state.
    const messages = await this.webhooks.deleteOlderThan(retentionSeconds);
    if (messages > 0) this.logger.info({ messages }, 'webhook deliveries past retention deleted');
    return expired;
  }

  private async sweepLost(): Promise<number> {
    const lostAfter = this.config.get('REPORT_LOST_AFTER_SECONDS', { infer: true });
    const candidates = await this.reports.findUnfinishedOlderThan(lostAfter, BATCH);
    let marked = 0;
    for (const id of candidates) {
      const job = await withTimeout(this.queue.getJob(id), REDIS_READ_TIMEOUT_MS, 'Redis');
      const state = job ? await withTimeout(job.getState(), REDIS_READ_TIMEOUT_MS, 'Redis') : 'missing';
      let changed = false;
      if (state === 'missing' || state === 'unknown') {
        changed = await this.reports.failLost(id, LOST_JOB_REASON, lostAfter);
        if (changed) this.metrics.lostReports.inc();
      } else if (state === 'failed') {
        changed = await this.reports.fail(id, failedJobReason(job?.failedReason));
      }
      if (changed) {
        marked++;
        this.logger.warn({ reportId: id, jobState: state }, 'unfinished report marked failed');
      }
    }
    return marked;
  }
}
