import { standardWebhookProblem, startWebhookReceiver, type WebhookReceiver } from '../../../test/support/webhook-receiver';
import { deliverWebhook, RESPONSE_EXCERPT_CHARS } from './webhook-delivery';
import { newSigningSecret, signWebhook } from './webhook-signing';
import { isPublicAddress, webhookUrlProblem } from './webhook-target';
import { DEFAULT_WEBHOOK_RETRY_SECONDS, parseRetrySchedule, webhookAttempts, webhookRetryDelayMs } from './retry-schedule';

describe('signWebhook', () => {
  it('signs so that a verifier written from the Standard Webhooks spec (not the package) accepts it, and refuses a changed body', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const body = JSON.stringify({ type: 'report.completed', timestamp: '2026-12-02T10:00:00.000Z', data: { id: 'x' } });
    const headers = signWebhook(secret, 'msg_abc', new Date(), body);
    expect(headers['webhook-id']).toBe('msg_abc');
    expect(standardWebhookProblem(secret, headers, body)).toBeNull();
    expect(standardWebhookProblem(secret, headers, body.replace('x', 'y'))).toBe('no v1 signature matches');
    expect(standardWebhookProblem(newSigningSecret(), headers, body)).toBe('no v1 signature matches');
  });

  it('signs with the attempt time, which a verifier refuses once it is old (replays)', () => {
    const secret = newSigningSecret();
    const headers = signWebhook(secret, 'msg_abc', new Date(Date.now() - 600_000), '{}');
    expect(standardWebhookProblem(secret, headers, '{}')).toMatch(/not within 300 s/);
  });
});

describe('deliverWebhook (a real HTTP receiver on 127.0.0.1)', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });
  const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' };

  it('POSTs the body with the headers and keeps a short excerpt of the answer', async () => {
    receiver.answer = () => ({ status: 503, body: `  busy\n${'z'.repeat(1_000)}` });
    const result = await deliverWebhook({ url: receiver.url, headers, body: '{"a":1}', timeoutMs: 5_000, allowPrivate: true });
    expect(result).toMatchObject({ statusCode: 503, error: null });
    expect(result.responseExcerpt).toBe(`busy ${'z'.repeat(RESPONSE_EXCERPT_CHARS - 5)}`);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'msg_1', 'content-type': 'application/json' } });
  });

  it('does not follow a redirect: a 3xx is the answer', async () => {
    receiver.answer = (_request, index) => (index === 0 ? { status: 302, body: '' } : { status: 200 });
    const result = await deliverWebhook({ url: receiver.url, headers, body: '{}', timeoutMs: 5_000, allowPrivate: true });
    expect(result.statusCode).toBe(302);
    expect(receiver.received).toHaveLength(1);
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    receiver.answer = () => 'hold';
    const result = await deliverWebhook({ url: receiver.url, headers, body: '{}', timeoutMs: 300, allowPrivate: true });
    expect(result).toMatchObject({ statusCode: null, responseExcerpt: null });
    expect(result.error).toMatch(/no answer within 300 ms/);
    expect(result.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('refuses 127.0.0.1 and a name that resolves to it without WEBHOOK_ALLOW_PRIVATE: nothing reaches the receiver', async () => {
    for (const url of [receiver.url, receiver.url.replace('127.0.0.1', 'localhost')]) {
      const result = await deliverWebhook({ url, headers, body: '{}', timeoutMs: 5_000, allowPrivate: false });
      expect([url, result.statusCode]).toEqual([url, null]);
      expect(result.error).toMatch(/not allowed/);
    }
    expect(receiver.received).toHaveLength(0);
  });

  it('says why when nothing listens', async () => {
    const { port } = receiver;
    await receiver.close();
    const result = await deliverWebhook({ url: `http://127.0.0.1:${port}/`, headers, body: '{}', timeoutMs: 5_000, allowPrivate: true });
    expect(result.statusCode).toBeNull();
    expect(result.error).toMatch(/^ECONNREFUSED/);
    receiver = await startWebhookReceiver();
  });
});

describe('webhookUrlProblem', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1, a private, loopback or link-local address/],
    ['http://localhost/hook', /a private, loopback or link-local address/],
    ['http://10.1.2.3/hook', /10\.1\.2\.3/],
    ['http://192.168.0.10/', /192\.168\.0\.10/],
    ['http://169.254.169.254/latest/meta-data', /169\.254\.169\.254/],
    ['http://[::1]:3000/', /::1/],
    ['http://[::ffff:127.0.0.1]/', /private/],
    ['http://0.0.0.0/', /0\.0\.0\.0/],
    ['ftp://example.com/', /http or https/],
    ['https://user:pw@example.com/', /credentials/],
    ['not a url', /absolute URL/],
    [`https://example.com/${'a'.repeat(2_100)}`, /at most 2048/],
  ])('refuses %s', async (url, problem) => {
    expect(await webhookUrlProblem(url, { allowPrivate: false })).toMatch(problem);
  });

  it('accepts a public address, and a private one with WEBHOOK_ALLOW_PRIVATE', async () => {
    expect(await webhookUrlProblem('https://93.184.215.14/hook', { allowPrivate: false })).toBeNull();
    expect(await webhookUrlProblem('http://127.0.0.1:8080/hook', { allowPrivate: true })).toBeNull();
    // The form is checked whatever the flag.
    expect(await webhookUrlProblem('ftp://127.0.0.1/', { allowPrivate: true })).toMatch(/http or https/);
  });

  it.each([
    ['8.8.8.8', true],
    ['2606:4700:4700::1111', true],
    ['172.16.0.1', false],
    ['100.64.0.1', false],
    ['fd00::1', false],
    ['fe80::1', false],
  ])('judges %s public: %s', (address, expected) => {
    expect(isPublicAddress(address)).toBe(expected);
  });
});

describe('retry schedule', () => {
  it('tries 9 times over about 24 h by default', () => {
    expect(webhookAttempts(DEFAULT_WEBHOOK_RETRY_SECONDS)).toBe(9);
    const hours = DEFAULT_WEBHOOK_RETRY_SECONDS.reduce((sum, seconds) => sum + seconds, 0) / 3600;
    expect(hours).toBeGreaterThan(22);
    expect(hours).toBeLessThan(26);
  });

  it.each([
    [1, 0, 4_000],
    [1, 1, 6_000],
    [2, 0.5, 60_000],
    [8, 0, 28_800_000 * 0.8],
    // Past the schedule (a stalled job retried again): the last delay.
    [12, 0.5, 28_800_000],
  ])('waits, after failed attempt %i with random %f, %i ms', (attemptsMade, random, expected) => {
    expect(webhookRetryDelayMs(DEFAULT_WEBHOOK_RETRY_SECONDS, attemptsMade, random)).toBe(expected);
  });

  it.each([
    ['0.2,0.5', [0.2, 0.5]],
    ['5, 60 ,300', [5, 60, 300]],
    ['', null],
    ['5,,6', null],
    ['5,-1', null],
    ['5,abc', null],
    ['999999999', null],
  ])('reads %j as %j', (text, expected) => {
    expect(parseRetrySchedule(text)).toEqual(expected);
  });
});
