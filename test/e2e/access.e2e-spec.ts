import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { createNamespace, type Namespace } from '../../scripts/faults/namespace';
import { httpRequest, killAllNow, type HttpAnswer } from '../../scripts/faults/processes';
import { ensureBuilt, startApi, type RunningApi } from '../faults/support/harness';
import type { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { contractViolations, loadContract } from './support/contract-client';
import { createTestKey } from './support/test-services';

const KEYS_CLI = join(__dirname, '..', '..', 'dist', 'apps', 'cli', 'src', 'keys.js');
const PROBLEM = /^application\/problem\+json/;

/**
 * Who may ask: API keys on every report route (legacy and fast lane included), scopes, owners, a
 * revoked key, per-key rate limits, and no key anywhere it must not be (tables, log lines). The
 * built API runs as a child process so every line it logs (LOG_LEVEL=trace) can be searched.
 */
describe('API keys (built API, real PostgreSQL and Redis)', () => {
  let ns: Namespace;
  let api: RunningApi;
  const keys: Record<'acme' | 'acmeReader' | 'globex' | 'admin' | 'revoked', string> = { acme: '', acmeReader: '', globex: '', admin: '', revoked: '' };

  // Every answer, 401 and 403 included, is checked against the OpenAPI document the API serves.
  let contract: OpenApiContract;
  const call = async (path: string, key: string | null, options: { method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<HttpAnswer> => {
    const method = options.method ?? 'GET';
    const answer = await httpRequest(`${api.url}${path}`, {
      method,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const problems = contractViolations(contract, { method, path, ...answer });
    if (problems.length > 0) throw new Error(`${method} ${path}: answer departs from the OpenAPI document:\n${problems.join('\n')}`);
    return answer;
  };
  const json = (answer: HttpAnswer) => JSON.parse(answer.text) as Record<string, unknown>;
  const trigger = async (key: string) => {
    const answer = await call('/reports', key, { method: 'POST', body: {} });
    expect(answer.status).toBe(202);
    return json(answer).id as string;
  };
  const cli = (...args: string[]) => spawnSync(process.execPath, [KEYS_CLI, ...args], { env: { ...process.env, DATABASE_URL: ns.database.url }, encoding: 'utf8' });

  beforeAll(async () => {
    ensureBuilt();
    ns = await createNamespace({ label: 'access' });
    // One key through the CLI as an operator makes it (printed once, on stdout alone) …
    const created = cli('create', '--name', 'acme ci', '--owner', 'acme', '--scopes', 'reports:read,reports:write');
    expect(created.status).toBe(0);
    keys.acme = created.stdout.trim();
    // … the others through the library.
    keys.acmeReader = await createTestKey(ns.database.url, { name: 'acme dashboard', owner: 'acme', scopes: ['reports:read'] });
    keys.globex = await createTestKey(ns.database.url, { name: 'globex', owner: 'globex', scopes: ['reports:read', 'reports:write'] });
    keys.admin = await createTestKey(ns.database.url, { name: 'ops', owner: 'ops', scopes: ['admin'] });
    keys.revoked = await createTestKey(ns.database.url, { name: 'old', owner: 'acme', scopes: ['admin'] });
    // The cache would keep a revoked key for API_KEY_CACHE_SECONDS: 1 s here, so the spec sees it end.
    api = await startApi(ns.env({ API_AUTH: 'on', API_KEY_CACHE_SECONDS: '1', TRIGGER_RATE_LIMIT: '3', LOG_LEVEL: 'trace' }));
    contract = await loadContract(api.url);
  }, 300_000);

  afterAll(async () => {
    await api?.process.stop('SIGKILL');
    await ns?.cleanup();
    killAllNow();
  });

  it('prints the key once: su_live_, 8 hex, 256 bits; keys list never shows it', () => {
    expect(keys.acme).toMatch(/^su_live_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
    const listed = cli('list');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${keys.acme.slice(8, 16)} +acme ci +acme +reports:read,reports:write `, 'm'));
    for (const key of Object.values(keys)) expect(listed.stdout + listed.stderr).not.toContain(key.slice(17));
    expect(listed.stderr).toContain(`keys: database "${ns.database.name}"`);
  });

  it('answers 401 problem+json with WWW-Authenticate: Bearer to no key, a malformed and an unknown key, on every report route', async () => {
    const id = await trigger(keys.acme);
    const routes: [string, string, unknown?][] = [
      ['POST', '/reports', {}],
      ['GET', '/reports'],
      ['GET', `/reports/${id}`],
      ['POST', `/reports/${id}/cancel`],
      ['GET', `/reports/${id}/download`],
      ['POST', '/trigger_report'],
      ['GET', '/trigger_report'],
      ['GET', `/get_report?report_id=${id}`],
      ['POST', '/get_report', { report_id: id }],
    ];
    const unknown = `su_live_${keys.acme.slice(8, 16)}_${'A'.repeat(43)}`;
    for (const [method, path, body] of routes) {
      for (const key of [null, 'not-a-key', unknown]) {
        const answer = await call(path, key, { method, body });
        expect([method, path, key, answer.status]).toEqual([method, path, key, 401]);
        expect(answer.headers['content-type']).toMatch(PROBLEM);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer realm="store-uptime"/);
        expect(json(answer).status).toBe(401);
      }
    }
    const store = await call('/stores/any-store/uptime', null);
    expect([store.status, store.headers['www-authenticate']]).toEqual([401, 'Bearer realm="store-uptime"']);
    // Still queued: none of the refused cancels reached it.
    expect(json(await call(`/reports/${id}`, keys.acme)).status).toBe('queued');
  });

  it('keeps /health, /metrics and /docs open', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json']) expect([path, (await call(path, null)).status]).toEqual([path, 200]);
    const document = JSON.parse((await call('/docs-json', null)).text) as { components: { securitySchemes: Record<string, unknown> } };
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('answers 403 to a key without the scope a route needs', async () => {
    const id = await trigger(keys.acme);
    for (const [method, path] of [['POST', '/reports'], ['POST', '/trigger_report'], ['GET', '/trigger_report'], ['POST', `/reports/${id}/cancel`]]) {
      const answer = await call(path, keys.acmeReader, { method, body: method === 'POST' ? {} : undefined });
      expect([method, path, answer.status]).toEqual([method, path, 403]);
      expect(answer.headers['content-type']).toMatch(PROBLEM);
      expect(answer.headers['www-authenticate']).toContain('error="insufficient_scope"');
    }
    // Reading is its scope (stores included: they are the fleet's data, no owner rule).
    expect([401, 403]).not.toContain((await call('/stores/any-store/uptime', keys.acmeReader)).status);
    expect((await call(`/get_report?report_id=${id}`, keys.acmeReader)).status).toBe(200);
    expect((await call(`/reports/${id}`, keys.acmeReader)).status).toBe(200);
  });

  it("answers 404 for another owner's report, exactly as for an unknown one; admin sees every owner", async () => {
    const id = await trigger(keys.acme);
    const unknownId = 'f'.repeat(32);
    const reads: [string, string, unknown?][] = [
      ['GET', `/reports/${id}`],
      ['GET', `/reports/${id}/download`],
      ['POST', `/reports/${id}/cancel`],
      ['GET', `/get_report?report_id=${id}`],
      ['POST', '/get_report', { report_id: id }],
    ];
    for (const [method, path, body] of reads) {
      const other = await call(path, keys.globex, { method, body });
      const unknown = await call(path.replace(id, unknownId), keys.globex, { method, body: body && { report_id: unknownId } });
      expect([method, path, other.status]).toEqual([method, path, 404]);
      expect({ ...json(other), detail: null, instance: null }).toEqual({ ...json(unknown), detail: null, instance: null });
    }
    expect(json(await call(`/reports/${id}`, keys.acme)).status).toBe('queued');
    expect(json(await call(`/get_report?report_id=${id}`, keys.admin))).toEqual({ status: 'Running', progress: 0 });
    expect((await call(`/reports/${id}`, keys.admin)).status).toBe(200);

    const globexId = await trigger(keys.globex);
    const listed = (key: string) => call('/reports?limit=100', key).then((answer) => (json(answer).items as { id: string }[]).map((item) => item.id));
    expect(await listed(keys.acme)).toContain(id);
    expect(await listed(keys.acme)).not.toContain(globexId);
    expect(await listed(keys.globex)).toEqual([globexId]);
    expect(await listed(keys.admin)).toEqual(expect.arrayContaining([id, globexId]));
  });

  it('answers status reads on the fast lane exactly as the Nest routes do, for every key: 200, 401, 403, 404', async () => {
    const id = await trigger(keys.admin);
    const writer = await createTestKey(ns.database.url, { name: 'writer', owner: 'ops', scopes: ['reports:write'] });
    const unknownKey = `su_live_${keys.acme.slice(8, 16)}_${'B'.repeat(43)}`;
    // A problem's instance is the path asked, which is all the two forms differ in (and so the length).
    const transient = new Set(['date', 'connection', 'keep-alive', 'content-length']);
    const comparable = (answer: HttpAnswer, path: string) => ({
      status: answer.status,
      headers: Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !transient.has(name))),
      body: { ...json(answer), ...(answer.status >= 400 ? { instance: json(answer).instance === path ? 'the path asked' : json(answer).instance } : {}) },
    });
    // Forms the lane leaves to Express (a trailing slash, an empty parameter) reach the Nest routes.
    const pairs = [id, 'f'.repeat(32)].flatMap((reportId) => [
      [`/reports/${reportId}`, `/reports/${reportId}/`],
      [`/get_report?report_id=${reportId}`, `/get_report?report_id=${reportId}&`],
    ]);
    const statuses: number[] = [];
    for (const key of [keys.admin, keys.acme, null, 'not-a-key', unknownKey, writer]) {
      for (const [lane, nest] of pairs) {
        const fromLane = await call(lane, key);
        const fromNest = await httpRequest(`${api.url}${nest}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
        expect({ lane, key, ...comparable(fromLane, lane) }).toEqual({ lane, key, ...comparable(fromNest, nest) });
        statuses.push(fromLane.status);
      }
    }
    expect([...new Set(statuses)].sort()).toEqual([200, 401, 403, 404]);
  });

  it("keeps each owner's Idempotency-Keys apart", async () => {
    const headers = { 'idempotency-key': 'nightly-2026-12-02' };
    const acme = json(await call('/trigger_report', keys.acme, { method: 'POST', headers })).report_id;
    const globex = json(await call('/trigger_report', keys.globex, { method: 'POST', headers })).report_id;
    expect(globex).not.toBe(acme);
    expect(json(await call('/trigger_report', keys.acme, { method: 'POST', headers })).report_id).toBe(acme);
  });

  it('refuses a revoked key within API_KEY_CACHE_SECONDS, also on the status fast lane', async () => {
    const id = await trigger(keys.admin);
    expect((await call(`/get_report?report_id=${id}`, keys.revoked)).status).toBe(200);
    const revoked = cli('revoke', keys.revoked.slice(8, 16));
    expect(revoked.status).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    for (const path of [`/get_report?report_id=${id}`, `/reports/${id}`]) {
      const answer = await call(path, keys.revoked);
      expect([path, answer.status]).toEqual([path, 401]);
      expect(answer.headers['www-authenticate']).toContain('error="invalid_token"');
    }
    expect(cli('revoke', keys.revoked.slice(8, 16)).status).toBe(1);
    expect(cli('list').stdout).toMatch(new RegExp(`^${keys.revoked.slice(8, 16)} .* \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`, 'm'));
  });

  it('limits triggers per key, with RateLimit-* headers', async () => {
    // Other tests of this file used some of each budget; a fresh key has all of it.
    const fresh = await createTestKey(ns.database.url, { name: 'limits', owner: 'limits', scopes: ['reports:write'] });
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await call('/reports', fresh, { method: 'POST', body: {} }));
    expect(answers.map((answer) => answer.status)).toEqual([202, 202, 202, 429]);
    expect(answers[0].headers['ratelimit-limit']).toBe('3');
    expect(answers[0].headers['ratelimit-remaining']).toBe('2');
    expect(Number(answers[0].headers['ratelimit-reset'])).toBeGreaterThan(0);
    expect(answers[0].headers['x-ratelimit-limit']).toBeUndefined();
    // Another key, from the same address, still has its own budget.
    const other = await createTestKey(ns.database.url, { name: 'limits 2', owner: 'limits', scopes: ['reports:write'] });
    expect((await call('/reports', other, { method: 'POST', body: {} })).status).toBe(202);
  });

  it('keeps no key in any table and writes none to any log line', async () => {
    const db = new Client({ connectionString: ns.database.url });
    await db.connect();
    try {
      const tables = (await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)).rows;
      expect(tables.map((table) => table.name)).toContain('api_keys');
      let dump = '';
      for (const { name } of tables) dump += (await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).rows.map((r) => r.row).join('\n');
      expect(dump).toContain(keys.acme.slice(8, 16));
      for (const key of Object.values(keys)) {
        expect(dump).not.toContain(key);
        expect(dump).not.toContain(key.slice(17));
        // Nor in hex or base64, as a bytea column would show it.
        expect(dump).not.toContain(Buffer.from(key).toString('hex'));
      }
    } finally {
      await db.end();
    }
    const log = api.process.lines.join('\n');
    expect(log).toMatch(/"level":10|"level":20|"level":30/);
    expect(log).toContain('/reports');
    for (const key of Object.values(keys)) expect(log).not.toContain(key.slice(17));
  });
});
