import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { WebhookHeaders } from './webhook-signing';

/** Response text kept per attempt: enough to see an error page's title, never a whole body. */
export const RESPONSE_EXCERPT_CHARS = 200;
/** Bytes read from a response before the connection is dropped (the excerpt needs no more). */
const RESPONSE_READ_LIMIT = 4_096;

export interface WebhookRequest {
  url: string;
  headers: WebhookHeaders;
  body: string;
  /** The whole attempt (connect, send, response head and excerpt) must fit in this. */
  timeoutMs: number;
  allowPrivate: boolean;
}

/** One attempt as recorded: a status code when the receiver answered, an error when it did not. */
export interface WebhookAttemptResult {
  statusCode: number | null;
  durationMs: number;
  responseExcerpt: string | null;
  error: string | null;
}

export function isDelivered(result: WebhookAttemptResult): boolean {
  return result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
}

/**
 * Agents that refuse private, loopback and link-local addresses after DNS resolution
 * (request-filtering-agent), one pair per rule so connections are reused between deliveries.
 */
const agents = new Map<boolean, { http: RequestFilteringHttpAgent; https: RequestFilteringHttpsAgent }>();

function agentFor(url: URL, allowPrivate: boolean): RequestFilteringHttpAgent | RequestFilteringHttpsAgent {
  let pair = agents.get(allowPrivate);
  if (!pair) {
    const options = { keepAlive: true, allowPrivateIPAddress: allowPrivate };
    pair = { http: new RequestFilteringHttpAgent(options), https: new RequestFilteringHttpsAgent(options) };
    agents.set(allowPrivate, pair);
  }
  return url.protocol === 'https:' ? pair.https : pair.http;
}

/**
 * POSTs one signed delivery and says what happened; never throws. Redirects are not followed (a
 * 3xx is an answer like any other non-2xx: a receiver moved elsewhere must be registered again,
 * and following it would let a public host bounce the request into a private network).
 */
export async function deliverWebhook(request: WebhookRequest): Promise<WebhookAttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const url = new URL(request.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookAttemptResult>((resolve) => {
    let settled = false;
    const finish = (result: Omit<WebhookAttemptResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const outgoing = send(url, {
      method: 'POST',
      agent: agentFor(url, request.allowPrivate),
      headers: {
        ...request.headers,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(request.body),
        'user-agent': 'store-uptime-webhooks/1',
      },
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new Error(`no answer within ${request.timeoutMs} ms`));
    }, request.timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) => finish({ statusCode: null, responseExcerpt: null, error: describeFailure(error) }));
    outgoing.on('response', (response) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8').replace(/\s+/g, ' ').trim().slice(0, RESPONSE_EXCERPT_CHARS);
        finish({ statusCode: response.statusCode ?? null, responseExcerpt: text || null, error: null });
        response.destroy();
      };
      response.on('data', (chunk: Buffer) => {
        if (read < RESPONSE_READ_LIMIT) chunks.push(chunk);
        read += chunk.length;
        if (read >= RESPONSE_READ_LIMIT) done();
      });
      response.on('end', done);
      // A body cut short still leaves a status code: the answer counts.
      response.on('error', done);
    });
    outgoing.end(request.body);
  });
}

/** A failure in words for the deliveries listing: the code, without stack or internals. */
function describeFailure(error: NodeJS.ErrnoException): string {
  const text = error.code ? `${error.code}: ${error.message}` : error.message;
  return text.slice(0, 300);
}
