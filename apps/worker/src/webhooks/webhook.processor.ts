import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bullmq';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { reportResource, WebhooksRepository, type AttemptOutcome } from '@store-uptime/db';
import type { WebhookJobData } from '@store-uptime/queue';
import { deliverWebhook, isDelivered, signWebhook, type WebhookAttemptResult, type WebhookEvent, type WebhookPayload } from '@store-uptime/webhooks';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { WORKER_ENV, WORKER_METRICS } from '../tokens';

/** A non-2xx answer or a failed connection: BullMQ tries the job again after the schedule's delay. */
class DeliveryAttemptFailed extends Error {
  override readonly name = 'DeliveryAttemptFailed';
}

/**
 * One attempt of one webhook message (the BullMQ Worker is WebhookWorker): read the message, its
 * target and its report; sign the report resource (the body of GET /reports/{id}) as a Standard
 * Webhooks delivery; POST it; record the attempt. A 2xx ends the message; anything else is
 * thrown for BullMQ to retry until the last attempt, which marks the message failed.
 */
@Injectable()
export class WebhookProcessor {
  constructor(
    private readonly webhooks: WebhooksRepository,
    @Inject(WORKER_ENV) private readonly env: WorkerEnv,
    @Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics,
    @InjectPinoLogger('WebhookProcessor') private readonly logger: PinoLogger,
  ) {}

  async process(job: Job<WebhookJobData>): Promise<void> {
    const messageId = job.data?.messageId;
    if (typeof messageId !== 'string') return;
    const message = await this.webhooks.messageToSend(messageId);
    const log = { messageId, reportId: message?.report.id, attempt: job.attemptsMade + 1 };
    // Its endpoint was deleted, or it is finished already (a duplicate job after a stall): nothing to send.
    if (!message || message.status !== 'pending') return;

    const payload: WebhookPayload = {
      type: message.event as WebhookEvent,
      timestamp: message.createdAt.toISOString(),
      data: reportResource({ row: message.report, status: message.report.status, progress: message.report.progress, error: message.report.error }),
    };
    const body = JSON.stringify(payload);
    const attemptedAt = new Date();
    const result = await deliverWebhook({
      url: message.url,
      headers: signWebhook(message.secret, message.id, attemptedAt, body),
      body,
      timeoutMs: this.env.WEBHOOK_TIMEOUT_MS,
      allowPrivate: this.env.WEBHOOK_ALLOW_PRIVATE,
    });
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const outcome: AttemptOutcome = isDelivered(result) ? 'delivered' : last ? 'failed' : 'retrying';
    const attempt = await this.webhooks.recordAttempt(message.id, { attemptedAt, ...result, outcome });
    this.metrics.webhookAttempts.labels(outcome).inc();
    const fields = { ...log, attempt, statusCode: result.statusCode, durationMs: result.durationMs, error: result.error };
    if (outcome === 'delivered') {
      this.logger.info(fields, 'webhook delivered');
      return;
    }
    if (outcome === 'failed') this.logger.error(fields, 'webhook delivery failed for good');
    else this.logger.warn(fields, 'webhook delivery attempt failed; retried later');
    throw new DeliveryAttemptFailed(describe(result));
  }
}

function describe(result: WebhookAttemptResult): string {
  return result.statusCode === null ? (result.error ?? 'no answer') : `the receiver answered ${result.statusCode}`;
}
