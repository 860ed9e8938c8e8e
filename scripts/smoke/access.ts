/**
 * `npm run smoke:access`: API keys checked from outside, on a running service (the API at
 * SMOKE_API_URL, default http://localhost:3000, on the database at SMOKE_DATABASE_URL, default the
 * one npm start uses), as an operator and two clients would:
 *
 * 1. makes keys for two owners (read+write), a read-only one, and one it revokes at once, with
 *    the library `npm run keys` uses;
 * 2. expects 401 (no key, unknown, revoked) with WWW-Authenticate: Bearer, 403 (missing scope) and
 *    404 (the other owner's report, on every read route, the legacy ones included), and admin
 *    (SMOKE_API_KEY or npm start's local key) seeing both owners;
 * 3. searches every table of the database for the keys in plain text;
 * 4. revokes the keys it made.
 *
 * Every check prints one line; the exit code is 1 when any failed.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { describeDatabaseUrl, localServices } from '@store-uptime/config';
import { ApiKeysRepository, dataSourceOptionsFromUrl, type NewApiKey } from '@store-uptime/db';
import { smokeApiKey } from './smoke-key';

const API = (process.env.SMOKE_API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const DATABASE_URL = process.env.SMOKE_DATABASE_URL ?? localServices(process.env).databaseUrl;

let failures = 0;

function check(ok: boolean, what: string, detail = ''): boolean {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

async function call(method: string, path: string, key: string | null, body?: unknown): Promise<Answer> {
  const response = await fetch(`${API}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(key === null ? {} : { authorization: `Bearer ${key}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

async function main(): Promise<boolean> {
  console.log(`smoke:access against ${API}, keys in ${describeDatabaseUrl(DATABASE_URL)}`);
  const admin = smokeApiKey();
  const dataSource = await new DataSource(dataSourceOptionsFromUrl(DATABASE_URL, { poolSize: 2 })).initialize();
  const repository = new ApiKeysRepository(dataSource);
  const made: string[] = [];
  const make = async (key: NewApiKey) => {
    const { key: text, record } = await repository.create(key);
    made.push(record.keyId);
    return text;
  };
  try {
    const run = Date.now().toString(36);
    const acme = await make({ name: 'smoke acme', owner: `smoke-acme-${run}`, scopes: ['reports:read', 'reports:write'] });
    const globex = await make({ name: 'smoke globex', owner: `smoke-globex-${run}`, scopes: ['reports:read', 'reports:write'] });
    const reader = await make({ name: 'smoke reader', owner: `smoke-acme-${run}`, scopes: ['reports:read'] });
    const revoked = await make({ name: 'smoke revoked', owner: `smoke-acme-${run}`, scopes: ['admin'] });
    await repository.revoke(revoked.slice(8, 16));

    const triggered = await call('POST', '/reports', acme, {});
    if (!check(triggered.status === 202, 'owner A triggers a report', `${triggered.status}`)) return false;
    const id = String(triggered.body.id);
    const globexTriggered = await call('POST', '/trigger_report', globex);
    check(globexTriggered.status === 200, 'owner B triggers a report (legacy route)', `${globexTriggered.status}`);

    const unknown = `su_live_${acme.slice(8, 16)}_${'A'.repeat(43)}`;
    for (const [label, key] of [['no key', null], ['an unknown key', unknown], ['a revoked key', revoked]] as const) {
      for (const [method, path] of [['GET', `/get_report?report_id=${id}`], ['GET', `/reports/${id}`], ['POST', '/reports'], ['GET', '/reports']] as const) {
        const answer = await call(method, path, key, method === 'POST' ? {} : undefined);
        check(
          answer.status === 401 && /^Bearer /.test(answer.headers.get('www-authenticate') ?? '') && /problem\+json/.test(answer.headers.get('content-type') ?? ''),
          `${label}: ${method} ${path.replace(id, '<id>')} → 401 problem+json, WWW-Authenticate: Bearer`,
          `${answer.status}`,
        );
      }
    }
    for (const [method, path] of [['POST', '/reports'], ['POST', '/trigger_report'], ['POST', `/reports/${id}/cancel`]] as const) {
      const answer = await call(method, path, reader, method === 'POST' ? {} : undefined);
      check(answer.status === 403, `read-only key: ${method} ${path.replace(id, '<id>')} → 403`, `${answer.status}`);
    }
    const readerRead = await call('GET', `/get_report?report_id=${id}`, reader);
    check(readerRead.status === 200, 'read-only key of the same owner reads the status', `${readerRead.status}`);

    for (const [method, path, body] of [
      ['GET', `/reports/${id}`],
      ['GET', `/reports/${id}/download`],
      ['POST', `/reports/${id}/cancel`],
      ['GET', `/get_report?report_id=${id}`],
      ['POST', '/get_report', { report_id: id }],
    ] as const) {
      const answer = await call(method, path, globex, body);
      check(answer.status === 404, `owner B: ${method} ${path.replace(id, '<id>')} of owner A's report → 404`, `${answer.status}`);
    }
    const listedByB = await call('GET', '/reports?limit=100', globex);
    const idsOf = (answer: Answer) => ((answer.body.items as { id: string }[] | undefined) ?? []).map((item) => item.id);
    check(listedByB.status === 200 && !idsOf(listedByB).includes(id), "owner B's listing leaves out owner A's report");
    const adminRead = await call('GET', `/reports/${id}`, admin);
    check(adminRead.status === 200, "admin reads owner A's report", `${adminRead.status}`);
    const adminList = await call('GET', `/reports?limit=100`, admin);
    check(idsOf(adminList).includes(id) && idsOf(adminList).includes(String(globexTriggered.body.report_id)), 'admin lists both owners');

    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      const tables = (await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'`)).rows;
      let found = 0;
      for (const { name } of tables) {
        const rows = (await db.query<{ row: string }>(`SELECT t::text AS row FROM "${name}" t`)).rows;
        for (const { row } of rows) for (const key of [acme, globex, reader, revoked, admin]) if (row.includes(key.slice(17))) found++;
      }
      check(found === 0, `no plaintext key in any of the ${tables.length} tables of PostgreSQL`, found ? `${found} rows hold one` : '');
    } finally {
      await db.end();
    }
  } finally {
    for (const keyId of made) await repository.revoke(keyId);
    await dataSource.destroy();
  }
  return failures === 0;
}

main().then(
  (ok) => {
    console.log(ok ? 'smoke:access: every check passed' : `smoke:access: ${failures} check(s) failed`);
    process.exitCode = ok ? 0 : 1;
  },
  (error: unknown) => {
    console.error(`smoke:access: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
