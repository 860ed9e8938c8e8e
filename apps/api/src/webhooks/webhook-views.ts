import type { DeliveryAttempt, WebhookEndpoint } from '@store-uptime/db';

/** Response bodies of the webhook routes (their schemas: openapi/api-schemas.ts). */

function webhookView(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    owner: endpoint.owner,
    created_at: endpoint.createdAt.toISOString(),
    links: { self: `/webhooks/${endpoint.id}`, deliveries: `/webhooks/${endpoint.id}/deliveries` },
  };
}

/** POST /webhooks: the endpoint and its signing secret, the only answer that shows it. */
export function webhookCreatedView(endpoint: WebhookEndpoint, secret: string) {
  return { ...webhookView(endpoint), secret };
}

export function webhookListView(endpoints: WebhookEndpoint[]) {
  return { items: endpoints.map(webhookView) };
}

export function deliveriesView(attempts: DeliveryAttempt[]) {
  return {
    items: attempts.map((attempt) => ({
      webhook_id: attempt.messageId,
      event: attempt.event,
      report_id: attempt.reportId,
      attempt: attempt.attempt,
      attempted_at: attempt.attemptedAt.toISOString(),
      status_code: attempt.statusCode,
      duration_ms: attempt.durationMs,
      response_excerpt: attempt.responseExcerpt,
      error: attempt.error,
      outcome: attempt.outcome,
      delivery_status: attempt.messageStatus,
    })),
  };
}
