/** Queue and job names, shared by the API (producer) and the worker (the only consumer). */
export const QUEUES = {
  reports: 'reports',
  /** Signed webhook deliveries; filled by the worker's outbox relay, consumed by its WebhookWorker. */
  webhooks: 'webhooks',
} as const;

export const REPORT_JOBS = {
  compute: 'compute-report',
  /** One store range of a fanned-out report: a child of its compute-report job (a BullMQ flow). */
  shard: 'compute-report-shard',
} as const;

export const WEBHOOK_JOBS = {
  deliver: 'deliver-webhook',
} as const;
