import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type WorkerOptions } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import {
  logConnectionErrors,
  QUEUES,
  type ReportJobData,
  type ReportJobResult,
  type ReportShardJobData,
  type ReportShardResult,
} from '@store-uptime/queue';
import { WORKER_ENV } from '../tokens';
import { queueConnection } from './queue-connection';
import { ReportProcessor, type ReportQueueJob } from './report.processor';

export { queueConnection } from './queue-connection';

/**
 * A report that stalls its worker a second time is probably what kills workers (e.g. out of
 * memory): it fails with a reason instead of taking down worker after worker. One stall (a crash,
 * a kill, a lost node) is recovered.
 */
const MAX_STALLED_COUNT = 1;

/**
 * Every setting of the reports queue's BullMQ Worker, from the validated config, in one place:
 * - concurrency: WORKER_CONCURRENCY reports at once, one compute thread each;
 * - lockDuration (WORKER_LOCK_MS, 20 s) and stalledInterval (WORKER_STALLED_INTERVAL_MS, 10 s):
 *   the engine runs in a worker thread, so the event loop is never blocked for more than tens of
 *   milliseconds and BullMQ renews the lock every lockDuration / 2 without fail; a live worker's
 *   lock never expires, yet a SIGKILLed worker's report is taken over once its lock has expired
 *   and a stalled check has seen the job twice without it: after at most about
 *   lockDuration + 2 × stalledInterval ≈ 40 s (30–40 s measured, docs/reliability.md);
 * - maxStalledCount: see MAX_STALLED_COUNT;
 * - autorun off: the worker takes jobs once the whole app has started (ReportWorker).
 */
export function reportWorkerOptions(
  env: Pick<WorkerEnv, 'REDIS_URL' | 'REDIS_PREFIX' | 'WORKER_CONCURRENCY' | 'WORKER_LOCK_MS' | 'WORKER_STALLED_INTERVAL_MS'>,
): WorkerOptions {
  return {
    ...queueConnection(env),
    concurrency: env.WORKER_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  };
}

/**
 * The only consumer of the reports queue; it lives in the worker app, never in the API. Built here
 * rather than with @nestjs/bullmq's @Processor, whose options are fixed when the class is
 * declared: these come from the validated environment.
 */
@Injectable()
export class ReportWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly worker: Worker<ReportJobData | ReportShardJobData, ReportJobResult | ReportShardResult>;

  constructor(
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
    private readonly processor: ReportProcessor,
    @InjectPinoLogger('ReportWorker') private readonly logger: PinoLogger,
  ) {
    this.worker = new Worker<ReportJobData | ReportShardJobData, ReportJobResult | ReportShardResult>(
      QUEUES.reports,
      // A report's job or a shard's, told apart by the job's name (ReportProcessor.process).
      (job, token, signal) => processor.process(job as ReportQueueJob, token, signal),
      reportWorkerOptions(env),
    );
    logConnectionErrors(this.worker, (fields) => this.logger.warn(fields, 'worker connection error'));
    this.worker.on('failed', (job, error) => void processor.onFailed(job as ReportQueueJob | undefined, error));
  }

  onApplicationBootstrap(): void {
    // Resolves when the worker closes; a rejection here means it stopped taking jobs.
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'the report worker stopped'));
  }

  /**
   * Drain on SIGTERM (enableShutdownHooks): stop taking jobs and let running reports finish for up
   * to WORKER_DRAIN_SECONDS — shorter than the pod's termination grace period — then cancel them,
   * which hands each one back to the queue (ReportProcessor.process) so another worker runs it.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.processor.beginShutdown();
    const drainMs = this.env.WORKER_DRAIN_SECONDS * 1000;
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

  /** Closed already by the drain; this covers an app closed without shutdown hooks (tests). */
  async onApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
