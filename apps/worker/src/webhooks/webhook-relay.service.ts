import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { WebhooksRepository } from '@store-uptime/db';
import { QUEUES, WEBHOOK_JOBS, webhookJobOptions, withTimeout, type WebhookJobData } from '@store-uptime/queue';
import { webhookAttempts } from '@store-uptime/webhooks';
import { WORKER_ENV } from '../tokens';

/** Outbox rows queued per pass; a longer backlog is worked off pass after pass. */
const BATCH = 500;
/**
 * How often every worker looks for outbox rows nobody queued: events of reports finished outside
 * this worker's processor (a cancel in the API, the lost-job sweep, a status read that found the
 * job lost) and those of a worker that died between finishing a report and queueing its event.
 * Its own reports' events are queued at once (nudge). Not a setting: one indexed read a second.
 */
const RELAY_INTERVAL_MS = 1_000;
/** A Redis add that has not answered in 5 s: the pass stops; the rows stay unqueued for the next one. */
const REDIS_TIMEOUT_MS = 5_000;

/**
 * The outbox relay: turns webhook_messages rows (written with the report's final status, in the
 * same statement) into jobs of the webhooks queue, then marks them queued. A crash between the
 * add and the mark queues the row again on the next pass, which BullMQ collapses (the job id is
 * the message id); so every event is queued at least once and delivered by one job.
 */
@Injectable()
export class WebhookRelayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(
    private readonly webhooks: WebhooksRepository,
    @InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookJobData>,
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
    @InjectPinoLogger('WebhookRelay') private readonly logger: PinoLogger,
  ) {
    // Its reconnect errors are the twin of the ones WebhookWorker logs.
    this.queue.on('error', () => undefined);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.nudge(), RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Queue what the outbox holds now (after this worker finished a report); a pass already running runs once more. */
  nudge(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.relayUntilEmpty().finally(() => {
      this.running = null;
    });
  }

  /** One pass: queues up to BATCH rows; returns how many. */
  async relayOnce(): Promise<number> {
    const ids = await this.webhooks.unqueuedMessages(BATCH);
    if (ids.length === 0) return 0;
    const attempts = webhookAttempts(this.env.WEBHOOK_RETRY_SECONDS);
    await withTimeout(
      this.queue.addBulk(ids.map((id) => ({ name: WEBHOOK_JOBS.deliver, data: { messageId: id }, opts: webhookJobOptions(id, attempts) }))),
      REDIS_TIMEOUT_MS,
      'Redis',
    );
    await this.webhooks.markQueued(ids);
    this.logger.debug({ messages: ids.length }, 'webhook messages queued');
    return ids.length;
  }

  private async relayUntilEmpty(): Promise<void> {
    do {
      this.again = false;
      try {
        while ((await this.relayOnce()) === BATCH);
      } catch (error) {
        // PostgreSQL or Redis unreachable: the rows stay in the outbox for the next pass.
        this.logger.warn({ err: error }, 'webhook relay pass skipped');
        return;
      }
    } while (this.again);
  }
}
