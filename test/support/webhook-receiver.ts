import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver for specs and smoke runs: a real HTTP server on 127.0.0.1 that records every
 * request and answers as the test says, and a signature check written from the Standard Webhooks
 * specification (https://www.standardwebhooks.com, "Verifying webhook authenticity") with
 * node:crypto alone, independent of the `standardwebhooks` package the service signs with.
 */

export interface ReceivedWebhook {
  receivedAt: number;
  /** The request's path: one receiver can stand for several targets (/hook, /callback). */
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** What to do with a request: answer with a status, or hold it (never answer) until the server closes. */
export type ReceiverAnswer = { status: number; body?: string } | 'hold';

export interface WebhookReceiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** Decides each answer (default: 200 "ok"); `index` counts requests from 0. */
  answer: (request: ReceivedWebhook, index: number) => ReceiverAnswer;
  /** Resolves once `count` requests have arrived. */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(port = 0): Promise<WebhookReceiver> {
  const held = new Set<ServerResponse>();
  const waiters: { count: number; resolve: () => void }[] = [];
  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    received: [],
    answer: () => ({ status: 200, body: 'ok' }),
    waitFor: (count, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        if (receiver.received.length >= count) return resolve(receiver.received);
        const timer = setTimeout(() => reject(new Error(`${receiver.received.length} of ${count} webhook requests after ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ count, resolve: () => (clearTimeout(timer), resolve(receiver.received)) });
      }),
    close: async () => {
      for (const response of held) response.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedWebhook = { receivedAt: Date.now(), path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      const index = receiver.received.push(entry) - 1;
      for (const waiter of waiters.filter((w) => receiver.received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      const answer = receiver.answer(entry, index);
      if (answer === 'hold') {
        held.add(response);
        return;
      }
      response.writeHead(answer.status, { 'content-type': 'text/plain', connection: 'close' }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}/hook`;
  return receiver;
}

/**
 * The Standard Webhooks check: the key is the base64 after `whsec_`; the signed content is
 * `${webhook-id}.${webhook-timestamp}.${body}`; webhook-signature is a space-separated list of
 * `v1,<base64 HMAC-SHA256>` of which one must match (compared in constant time); the timestamp
 * must be within `toleranceSeconds` of now. Returns why it fails, or null when it verifies.
 */
export function standardWebhookProblem(secret: string, headers: IncomingHttpHeaders, body: string, toleranceSeconds = 300): string | null {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return 'a webhook-* header is missing';
  if (!secret.startsWith('whsec_')) return 'the secret is not whsec_…';
  const seconds = Number(timestamp);
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - seconds) > toleranceSeconds) return `timestamp ${timestamp} is not within ${toleranceSeconds} s of now`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) continue;
    const given = Buffer.from(signature, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return null;
  }
  return 'no v1 signature matches';
}
