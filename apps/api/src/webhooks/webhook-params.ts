import { z } from 'zod';
import { WEBHOOK_EVENTS } from '@store-uptime/webhooks';
import { invalidRequest } from '../problem/problem';
import { invalidFields, webhookUrlSchema } from '../reports/report-params';

export const webhookIdSchema = z.string().regex(/^[0-9a-f]{32}$/);

export const webhookCreateSchema = z.strictObject({
  url: webhookUrlSchema.describe(
    'Where to POST the signed deliveries: an absolute http(s) URL, no credentials. Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true.',
  ),
  events: z
    .array(z.enum(WEBHOOK_EVENTS))
    .min(1)
    .max(WEBHOOK_EVENTS.length)
    .refine((events) => new Set(events).size === events.length, { error: 'lists an event twice' })
    .describe('The events to deliver: a report of this owner completed, failed or cancelled.'),
});

export interface WebhookCreateParams {
  url: string;
  events: string[];
}

export function parseWebhookCreateBody(body: unknown): WebhookCreateParams {
  const parsed = webhookCreateSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidFields(parsed.error, '(body)');
  return parsed.data;
}

/** An endpoint id is 32 lowercase hex characters; anything else cannot name one. */
export function parseWebhookId(value: unknown): string {
  if (typeof value !== 'string' || !webhookIdSchema.safeParse(value).success) {
    throw invalidRequest('A webhook id is 32 lowercase hexadecimal characters.', [{ path: 'id', message: 'not a webhook id' }]);
  }
  return value;
}
