import { randomBytes } from 'node:crypto';
import { isReportId, newReportId } from '@store-uptime/queue';
import { killAllNow, startApp, type ManagedProcess } from '../../scripts/faults/processes';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { PrivateRedis } from '../../scripts/faults/private-redis';
import {
  call,
  ensureBuilt,
  eventually,
  reportRows,
  startApi,
  startWorker,
  waitFinished,
  sleep,
  type RunningApi,
  type RunningWorker,
} from '../faults/support/harness';

const PROBLEM = /^application\/problem\+json/;

/** Secret values known to this test only, so finding one in a log line is proof of a leak. */
const SECRETS = {
  databasePassword: `dbpw-${randomBytes(9).toString('hex')}`,
  redisPassword: `redispw-${randomBytes(9).toString('hex')}`,
  bullBoardPassword: `board-${randomBytes(9).toString('hex')}`,
  wrongS3Secret: `s3wrong-${randomBytes(9).toString('hex')}`,
  bootSecret: `boot-${randomBytes(9).toString('hex')}`,
};

function withPassword(url: string, password: string): string {
  const parsed = new URL(url);
  parsed.password = password;
  return parsed.toString();
}

/**
 * Security: Bull Board behind credentials, the trigger rate limit, helmet's headers on
 * every kind of answer, unguessable report ids, and no secret in any log line of the real
 * processes (run at LOG_LEVEL=trace with known secret values: the PostgreSQL password in
 * DATABASE_URL, the Redis password, the Bull Board password, the S3 secrets).
 */
describe('security', () => {
  let redis: PrivateRedis;
  let ns: Namespace;
  /** A healthy pair: real S3 credentials, rate limit 3 triggers per minute. */
  let api: RunningApi;
  let worker: RunningWorker;
  /** A pair whose worker has a wrong S3 secret (its reports fail and log errors); no rate limit. */
  let apiBad: RunningApi;
  let workerBad: RunningWorker;
  const extra: ManagedProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    redis = await PrivateRedis.start({ persistence: true, password: SECRETS.redisPassword });
    ns = await createNamespace({ label: 'sec', redisUrl: redis.url });
    const env = ns.env({
      LOG_LEVEL: 'trace',
      DATABASE_URL: withPassword(ns.database.url, SECRETS.databasePassword),
      BULL_BOARD_USER: 'operator',
      BULL_BOARD_PASSWORD: SECRETS.bullBoardPassword,
      TRIGGER_RATE_LIMIT: '3',
      REPORT_JOB_ATTEMPTS: '2',
      REPORT_JOB_BACKOFF_MS: '100',
    });
    const bad = { ...env, REDIS_PREFIX: `${ns.prefix}-bad`, TRIGGER_RATE_LIMIT: '0', S3_SECRET_ACCESS_KEY: SECRETS.wrongS3Secret, S3_BUCKET: `${ns.bucket}-bad` };
    [api, worker, apiBad, workerBad] = await Promise.all([
      startApi(env, 'api'),
      startWorker(env, 'worker'),
      startApi(bad, 'api-bad-s3'),
      startWorker(bad, 'worker-bad-s3'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([api, worker, apiBad, workerBad].map((app) => app?.process.stop('SIGKILL')));
    await Promise.all(extra.map((p) => p.stop('SIGKILL')));
    await ns?.cleanup();
    await redis?.destroy();
    killAllNow();
  });

  describe('Bull Board', () => {
    const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

    it.each([
      ['no credentials', {}],
      ['a wrong password', basic('operator', 'wrong-password')],
      ['a wrong user', basic('admin', SECRETS.bullBoardPassword)],
      ['the password as the user', basic(SECRETS.bullBoardPassword, '')],
      ['a bearer token', { authorization: `Bearer ${SECRETS.bullBoardPassword}` }],
      ['malformed basic', { authorization: 'Basic %%%not-base64' }],
    ])('refuses %s with 401 problem+json and a Basic challenge', async (_name, headers) => {
      for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
        const answer = await call('GET', `${api.url}${path}`, undefined, headers);
        expect(answer.status).toBe(401);
        expect(answer.headers['content-type']).toMatch(PROBLEM);
        expect(answer.headers['www-authenticate']).toMatch(/^Basic realm=/);
      }
    });

    it.each(['/ADMIN/QUEUES', '/admin//queues', '/admin/queues/', '/admin/%71ueues', '/admin/queues/api/queues?x=1', '/admin/queues/../queues/api/queues'])(
      'gives nothing away under the path variant %s without credentials',
      async (path) => {
        const answer = await call('GET', `${api.url}${path}`);
        expect([401, 404]).toContain(answer.status);
        expect(answer.text).not.toContain('"queues"');
      },
    );

    it('opens with the right credentials', async () => {
      const page = await call('GET', `${api.url}/admin/queues`, undefined, basic('operator', SECRETS.bullBoardPassword));
      expect(page.status).toBe(200);
      const queues = await call('GET', `${api.url}/admin/queues/api/queues`, undefined, basic('operator', SECRETS.bullBoardPassword));
      expect(queues.status).toBe(200);
      expect(queues.text).toContain('reports');
    });
  });

  describe('trigger rate limit', () => {
    let ids: string[] = [];

    it('answers 429 problem+json with Retry-After once a client used its triggers, on every trigger route', async () => {
      const first = await call('POST', `${api.url}/trigger_report`);
      const second = await call('GET', `${api.url}/trigger_report`);
      const third = await call('POST', `${api.url}/reports`, {});
      expect([first.status, second.status, third.status]).toEqual([200, 200, 202]);
      ids = [first.body.report_id as string, second.body.report_id as string, third.body.id as string];

      for (const [method, path] of [['POST', '/trigger_report'], ['GET', '/trigger_report'], ['POST', '/reports']] as const) {
        const refused = await call(method, `${api.url}${path}`, method === 'POST' && path === '/reports' ? {} : undefined);
        expect(refused.status).toBe(429);
        expect(refused.headers['content-type']).toMatch(PROBLEM);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests' });
      }
      // A spoofed X-Forwarded-For does not buy a new budget (the API does not trust proxy headers it was not told to).
      expect((await call('POST', `${api.url}/trigger_report`, undefined, { 'x-forwarded-for': '203.0.113.7' })).status).toBe(429);
      // No report row was written for a refused trigger.
      expect((await reportRows(ns.database.url)).length).toBe(3);
    });

    it('does not limit status reads', async () => {
      for (let i = 0; i < 20; i++) expect((await call('GET', `${api.url}/get_report?report_id=${ids[i % 3]}`)).status).toBe(200);
      const finished = await waitFinished(api.url, ids, 30_000);
      expect([...finished.values()].map((s) => s.status)).toEqual(['Complete', 'Complete', 'Complete']);
    });
  });

  describe('security headers (helmet)', () => {
    it('are on every kind of answer: routes, the status fast lane, problems, 429, health, Bull Board', async () => {
      const [id] = (await reportRows(ns.database.url)).map((r) => r.id);
      const answers = {
        echo: await call('GET', `${api.url}/echo/x`),
        fastLane: await call('GET', `${api.url}/get_report?report_id=${id}`),
        details: await call('GET', `${api.url}/reports/${id}`),
        notFound: await call('GET', `${api.url}/reports/${'f'.repeat(32)}`),
        badRequest: await call('GET', `${api.url}/get_report?report_id=nope`),
        tooMany: await call('POST', `${api.url}/trigger_report`),
        health: await call('GET', `${api.url}/health/live`),
        board: await call('GET', `${api.url}/admin/queues`),
      };
      expect(answers.tooMany.status).toBe(429);
      for (const [name, answer] of Object.entries(answers)) {
        expect({ name, ...pickHeaders(answer.headers) }).toEqual({
          name,
          'content-security-policy': expect.stringContaining("default-src 'self'"),
          'strict-transport-security': expect.stringMatching(/max-age=\d+/),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'SAMEORIGIN',
          'referrer-policy': 'no-referrer',
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-resource-policy': 'same-origin',
          'x-powered-by': undefined,
        });
      }
    });
  });

  describe('report ids', () => {
    it('are distinct and well-formed, and every one of their 128 bits is a fair coin', () => {
      const count = 20_000;
      const ids = Array.from({ length: count }, newReportId);
      expect(new Set(ids).size).toBe(count);
      expect(ids.every(isReportId)).toBe(true);
      const ones = new Array<number>(128).fill(0);
      for (const id of ids) {
        const bytes = Buffer.from(id, 'hex');
        for (let bit = 0; bit < 128; bit++) ones[bit] += (bytes[bit >> 3] >> (7 - (bit & 7))) & 1;
      }
      // Binomial(20 000, ½): σ ≈ 71; 6σ makes a false alarm practically impossible, while a fixed,
      // counter or timestamp bit (0, 20 000, or far off half) fails at once.
      const sigma = Math.sqrt(count / 4);
      const worst = Math.max(...ones.map((n) => Math.abs(n - count / 2)));
      expect(worst).toBeLessThan(6 * sigma);
    });

    it('tell nothing about the next one: each bit of an id agrees with the same bit of the previous id half the time', () => {
      const count = 20_000;
      const ids = Array.from({ length: count }, newReportId).map((id) => Buffer.from(id, 'hex'));
      // Per bit position, how often id[i] and id[i - 1] agree. A counter, a timestamp or a seeded
      // sequence repeats most bits from one id to the next; independent draws agree half the time.
      const agreements = new Array<number>(128).fill(0);
      for (let i = 1; i < count; i++) {
        for (let byte = 0; byte < 16; byte++) {
          const same = ~(ids[i][byte] ^ ids[i - 1][byte]) & 0xff;
          for (let bit = 0; bit < 8; bit++) agreements[byte * 8 + bit] += (same >> (7 - bit)) & 1;
        }
      }
      const pairs = count - 1;
      const sigma = Math.sqrt(pairs / 4);
      const worst = Math.max(...agreements.map((n) => Math.abs(n - pairs / 2)));
      expect(worst).toBeLessThan(6 * sigma);
    });

    it('handed out by the API are distinct and well-formed', async () => {
      const answers = await Promise.all(Array.from({ length: 100 }, () => call('POST', `${apiBad.url}/trigger_report`)));
      const ids = answers.map((a) => a.body.report_id as string);
      expect(answers.every((a) => a.status === 200)).toBe(true);
      expect(ids.every(isReportId)).toBe(true);
      expect(new Set(ids).size).toBe(100);
    });
  });

  describe('logs', () => {
    it('never contain a secret, through reports, failures, a Redis outage, downloads and a bad boot', async () => {
      // Failures: the worker with the wrong S3 secret fails every report it ran (and logs why).
      await eventually(
        async () => (await reportRows(ns.database.url)).filter((r) => r.status === 'failed').length,
        (n) => n >= 100,
        60_000,
        'the bad-S3 reports failed',
        500,
      );
      // A download: the 302's Location is a presigned URL (a bearer credential).
      const [id] = (await reportRows(ns.database.url)).filter((r) => r.status === 'complete').map((r) => r.id);
      const redirect = await call('GET', `${api.url}/reports/${id}/download`);
      expect(redirect.status).toBe(302);
      expect(String(redirect.headers.location)).toContain('X-Amz-Signature=');
      // A Redis outage: every process logs its connection errors; readiness explains itself.
      await redis.stop('SIGKILL');
      await sleep(2_500);
      const notReady = await call('GET', `${api.url}/health/ready`);
      expect(notReady.status).toBe(503);
      await redis.start();
      await eventually(() => call('GET', `${api.url}/health/ready`), (a) => a.status === 200, 20_000, 'ready again');
      // A boot with a bad configuration that contains secrets.
      const boot = startApp('api', { DATABASE_URL: `mysql://app:${SECRETS.bootSecret}@db.internal/app`, REDIS_URL: `redis://:${SECRETS.bootSecret}@r:6379`, S3_BUCKET: 'x', BULL_BOARD_USER: 'u', BULL_BOARD_PASSWORD: SECRETS.bootSecret.slice(0, 5) }, 'api-bad-config');
      extra.push(boot);
      expect((await boot.exited).code).toBe(1);
      expect(boot.output).toMatch(/DATABASE_URL/);

      const processes = [api.process, worker.process, apiBad.process, workerBad.process, boot];
      // The capture is real: each process logged what this test made it do.
      expect(worker.process.output).toMatch(/"msg":"report complete"/);
      expect(workerBad.process.output).toMatch(/"msg":"report failed"/);
      expect(api.process.output).toMatch(/\/reports\/[0-9a-f]{32}\/download/);
      expect(processes.slice(0, 4).every((p) => p.lines.length > 20)).toBe(true);
      expect(processes.slice(0, 4).every((p) => /ECONNREFUSED|connection|Redis/i.test(p.output))).toBe(true);

      const forbidden = {
        ...SECRETS,
        bullBoardBasicAuth: Buffer.from(`operator:${SECRETS.bullBoardPassword}`).toString('base64'),
        s3Secret: ns.env().S3_SECRET_ACCESS_KEY,
        presignedSignature: 'X-Amz-Signature',
      };
      const leaks: string[] = [];
      for (const p of processes) {
        for (const [name, value] of Object.entries(forbidden)) {
          const line = p.lines.find((l) => l.includes(value));
          if (line) leaks.push(`${p.name} logged ${name}: ${line.slice(0, 300)}`);
        }
      }
      for (const [name, value] of Object.entries(forbidden)) if (notReady.text.includes(value)) leaks.push(`/health/ready shows ${name}`);
      expect(leaks).toEqual([]);
    }, 120_000);
  });
});

function pickHeaders(headers: Record<string, string | string[] | undefined>) {
  const names = [
    'content-security-policy',
    'strict-transport-security',
    'x-content-type-options',
    'x-frame-options',
    'referrer-policy',
    'cross-origin-opener-policy',
    'cross-origin-resource-policy',
    'x-powered-by',
  ];
  return Object.fromEntries(names.map((name) => [name, headers[name]]));
}

