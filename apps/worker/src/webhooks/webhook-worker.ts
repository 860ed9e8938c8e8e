import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Worker, type WorkerOptions } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { logConnectionErrors, QUEUES, WEBHOOK_BACKOFF, type WebhookJobData } from '@store-uptime/queue';
import { webhookRetryDelayMs } from '@store-uptime/webhooks';
import { queueConnection } from '../reports/report-worker';
import { WORKER_ENV } from '../tokens';
import { WebhookProcessor } from './webhook.processor';

/**
 * A delivery whose worker died mid-request is taken over after its lock expires (it is sent again,
 * with the same webhook-id: at-least-once). A few stalls are allowed, unlike a report's one: a
 * delivery cannot be what kills a worker.
 */
const MAX_STALLED_COUNT = 5;

/**
 * Settings of the webhooks queue's Worker: WEBHOOK_CONCURRENCY deliveries at once (I/O only, no
 * thread), the same lock and stalled check as reports (a delivery is at most WEBHOOK_TIMEOUT_MS,
 * well inside the lock, which the free event loop renews), and the retry schedule as BullMQ's
 * custom backoff.
 */
function webhookWorkerOptions(
  env: Pick<WorkerEnv, 'REDIS_URL' | 'REDIS_PREFIX' | 'WEBHOOK_CONCURRENCY' | 'WEBHOOK_RETRY_SECONDS' | 'WORKER_LOCK_MS' | 'WORKER_STALLED_INTERVAL_MS'>,
): WorkerOptions {
  return {
    ...queueConnection(env),
    concurrency: env.WEBHOOK_CONCURRENCY,
    lockDuration: env.WORKER_LOCK_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
    settings: {
      backoffStrategy: (attemptsMade: number, type?: string) =>
        type === WEBHOOK_BACKOFF ? webhookRetryDelayMs(env.WEBHOOK_RETRY_SECONDS, attemptsMade) : 0,
    },
  };
}

/** The only consumer of the webhooks queue (the worker app's; the API never sends webhooks). */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly worker: Worker<WebhookJobData>;

  constructor(
    @Inject(WORKER_ENV) env: WorkerEnv,
    processor: WebhookProcessor,
    @InjectPinoLogger('WebhookWorker') private readonly logger: PinoLogger,
  ) {
    this.worker = new Worker<WebhookJobData>(QUEUES.webhooks, (job) => processor.process(job), webhookWorkerOptions(env));
    logConnectionErrors(this.worker, (fields) => this.logger.warn(fields, 'webhook worker connection error'));
  }

  onApplicationBootstrap(): void {
    this.worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'the webhook worker stopped'));
  }

  /** A delivery takes at most WEBHOOK_TIMEOUT_MS: the drain waits for those in flight. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }
}
