import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { failedJobReason, LOST_JOB_REASON, QUEUES, withTimeout } from '@store-uptime/queue';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_METRICS } from '../tokens';
import { ReportRecordsService } from './report-records.service';

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
 * No report stays Running forever. Periodically looks at reports still queued or
 * running after REPORT_LOST_AFTER_SECONDS and asks BullMQ about their job: a job that no longer
 * exists (Redis lost it) or that failed without its row saying so marks the report failed with a
 * reason. Every worker runs it; the updates are conditional, so concurrent sweeps are harmless.
 * The API's status read does the same check for the one report it is asked about.
 */
@Injectable()
export class ReportSweeperService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;

  constructor(
    private readonly records: ReportRecordsService,
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

  /** One pass; returns how many reports it marked failed. Skipped while a pass is still running. */
  async sweepOnce(): Promise<number> {
    if (this.running) return 0;
    let marked = 0;
    this.running = (async () => {
      try {
        marked = await this.sweep();
      } catch (error) {
        // Redis or PostgreSQL unreachable: nothing can be judged now; the next pass tries again.
        this.logger.warn({ err: error }, 'lost-report sweep skipped');
      }
    })();
    await this.running;
    this.running = null;
    return marked;
  }

  private async sweep(): Promise<number> {
    const lostAfter = this.config.get('REPORT_LOST_AFTER_SECONDS', { infer: true });
    const candidates = await this.records.findUnfinishedOlderThan(lostAfter, BATCH);
    let marked = 0;
    for (const { id } of candidates) {
      const job = await withTimeout(this.queue.getJob(id), REDIS_READ_TIMEOUT_MS, 'Redis');
      const state = job ? await withTimeout(job.getState(), REDIS_READ_TIMEOUT_MS, 'Redis') : 'missing';
      let reason: string | null = null;
      if (state === 'missing' || state === 'unknown') reason = LOST_JOB_REASON;
      else if (state === 'failed') reason = failedJobReason(job?.failedReason);
      if (reason && (await this.records.markFailed(id, reason))) {
        marked++;
        if (reason === LOST_JOB_REASON) this.metrics.lostReports.inc();
        this.logger.warn({ reportId: id, jobState: state, reason }, 'unfinished report marked failed');
      }
    }
    return marked;
  }
}
