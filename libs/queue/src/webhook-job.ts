import type { JobsOptions } from 'bullmq';

/** The job payload: the message's id only; the worker reads its target, secret and report from PostgreSQL. */
export interface WebhookJobData {
  messageId: string;
}

/** The custom backoff type of webhook jobs (the WebhookWorker's backoffStrategy implements it). */
export const WEBHOOK_BACKOFF = 'webhook-schedule';

/**
 * Options for adding a delivery job. The job id IS the message id, itself derived from (event,
 * report, endpoint): the outbox relay adding a message twice (two workers, or a crash between the
 * add and marking it enqueued) collapses into one job. Finished jobs are trimmed: the
 * webhook_messages and webhook_attempts tables are the durable record.
 */
export function webhookJobOptions(messageId: string, attempts: number): JobsOptions {
  return {
    jobId: messageId,
    attempts,
    backoff: { type: WEBHOOK_BACKOFF },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
  };
}
