/** The events a webhook endpoint can subscribe to: a report reaching one of its final states. */
export const WEBHOOK_EVENTS = ['report.completed', 'report.failed', 'report.cancelled'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * The body of every delivery, as the Standard Webhooks specification suggests: the event type,
 * when it happened, and the resource itself (a report exactly as GET /reports/{id} shows it).
 */
export interface WebhookPayload<T = unknown> {
  type: WebhookEvent;
  timestamp: string;
  data: T;
}
