import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** The Standard Webhooks form of a signing secret: `whsec_` and the key in base64. */
const SECRET_PREFIX = 'whsec_';
/** 24 random bytes (192 bits): the Standard Webhooks guidance asks for 24 to 64. */
const SECRET_BYTES = 24;

export function newSigningSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** The three headers of a signed delivery (https://www.standardwebhooks.com, "Signature scheme"). */
// A type rather than an interface, so it is also a plain header record (an index signature).
export type WebhookHeaders = {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
};

/**
 * Signs one attempt: HMAC-SHA256 over `id.timestamp.body` with the secret's key, by the
 * `standardwebhooks` package. The timestamp is the attempt's (receivers refuse old ones to stop
 * replays); the id is the message's, the same on every attempt, so receivers can drop duplicates.
 */
export function signWebhook(secret: string, messageId: string, at: Date, body: string): WebhookHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
