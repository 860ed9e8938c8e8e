import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import supertest from 'supertest';
import type { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { DataSource } from 'typeorm';
import { writeReportCsv } from '@store-uptime/csv';
import { dataSourceOptionsFromUrl } from '@store-uptime/db';
import { parseInstant, REPORT_VALUE_COLUMNS, reportTable, type UptimeMethod } from '@store-uptime/uptime';
import { createApiApp } from '../../apps/api/src/api-app';
import { computeReportFromDatabase } from '../../apps/worker/src/compute/report-computation';
import { insertPolls } from '../support/insert-polls';
import { DST_WEEK_NOWS, mulberry32, randomStores, type RandomStores } from '../support/random-stores';
import { oracleReport } from '../support/uptime-oracle';
import { contractRequest, loadContract } from './support/contract-client';
import { createTestKey, createTestNamespace, type TestNamespace } from './support/test-services';
import { insertStoreHoursAndZones } from '../support/insert-stores';

/**
 * One store on demand against the whole report, on real PostgreSQL: random stores (DST weeks,
 * half-hour zones, split, overnight and 24 h hours, missing and invalid zones, equal timestamps)
 * over four weeks of 2024 plus the committed e2e fixture (2023: in 2024 those stores have only
 * their carry-in poll). For three `now`s (two as_of values and the latest poll) and both methods, GET /stores/{id}/uptime must
 * equal the store's row of the report the worker computes (its own compute function and CSV
 * writer) and the oracle (test/support/uptime-oracle.ts, which shares no code with the engine).
 */
const DAY_MS = 86_400_000;
const STORES = 150;
const SAMPLED_PER_CASE = 25;

async function fullReportCsv(dataSource: DataSource, asOf: string | null, method: UptimeMethod): Promise<Map<string, string[]>> {
  const { report } = await computeReportFromDatabase(dataSource, { asOf, method });
  let text = '';
  await writeReportCsv(reportTable(report), new Writable({ write: (chunk: Buffer, _encoding, done) => ((text += chunk.toString()), done()) }));
  const [, ...lines] = text.trim().split('\n');
  return new Map(lines.map((line) => line.split(',')).map(([id, ...values]) => [id, values]));
}

// Every answer is checked against the OpenAPI document the API serves (support/contract-client.ts).
let contract: OpenApiContract | undefined;
// About stores, not access (test/e2e/access.e2e-spec.ts): every request carries an admin key.
let adminKey: string | undefined;
const request = contractRequest(() => contract, () => adminKey);

describe('GET /stores/{store_id}/uptime and /timeline', () => {
  let ns: TestNamespace;
  let api: INestApplication;
  let server: Server;
  let dataSource: DataSource;
  let stores: RandomStores;
  const random = mulberry32(2024);

  beforeAll(async () => {
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'e2e', scopes: ['admin'] });
    // The same stores (hours, zones) polled around each DST week: earlier weeks give later ones their carry-in.
    const periods = DST_WEEK_NOWS.map((now, i) => randomStores(mulberry32(500 + i), STORES, Date.parse(now) - 9 * DAY_MS, Date.parse(now) + DAY_MS));
    stores = { ...periods[0], polls: periods.flatMap((period) => period.polls) };
    await insertStoreHoursAndZones(ns.database.url, stores);
    dataSource = await new DataSource(dataSourceOptionsFromUrl(ns.database.url)).initialize();
    // Polls go in as ingest leaves them: weekly partitions made first, the store list kept.
    await insertPolls(dataSource, stores.polls);
    api = await createApiApp({ env: ns.env(), ignoreEnvFile: true, shutdownHooks: false });
    await api.init();
    server = api.getHttpServer() as Server;
    contract = await loadContract(server);
  });

  afterAll(async () => {
    await api?.close().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await ns?.cleanup();
  });

  // US spring forward, Adelaide's fall back, and the latest poll (a week with the US fall back); the
  // unit specs take every DST week of DST_WEEK_NOWS, this spec the path through PostgreSQL and HTTP.
  const cases = [[DST_WEEK_NOWS[0]] as const, [DST_WEEK_NOWS[2]] as const, [null] as const].flatMap(([asOf]) =>
    (['hourly', 'step'] as const).map((method) => [asOf, method] as const),
  );

  it.each(cases)('equals the full report and the oracle, store by store (as_of %s, %s)', async (asOf, method) => {
    const report = await fullReportCsv(dataSource, asOf, method);
    const oracleNow = asOf === null ? undefined : parseInstant(asOf);
    const oracle = oracleReport({ polls: stores.polls, hours: stores.hours.map((row) => row.map(String)), zones: stores.zones }, { nowUs: oracleNow, method });
    const listed = [...report.keys()];
    expect(listed.length).toBeGreaterThan(STORES);
    const sample = Array.from({ length: SAMPLED_PER_CASE }, () => listed[Math.floor(random() * listed.length)]);
    for (const id of sample) {
      const response = await request(server)
        .get(`/stores/${encodeURIComponent(id)}/uptime`)
        .query({ ...(asOf ? { as_of: asOf } : {}), method })
        .expect(200);
      const body = response.body as Record<string, unknown>;
      expect({ id, values: REPORT_VALUE_COLUMNS.map((name) => (body[name] as number).toFixed(2)) }).toEqual({ id, values: report.get(id) });
      if (oracle.has(id)) expect({ id, values: REPORT_VALUE_COLUMNS.map((name) => body[name]) }).toEqual({ id, values: oracle.get(id) });
      expect(body).toMatchObject({ store_id: id, method });
    }
    // A store the report does not list is a 404 here too.
    const unlisted = stores.storeIds.filter((id) => !report.has(id));
    for (const id of [...unlisted.slice(0, 3), 'no-such-store']) {
      const response = await request(server).get(`/stores/${id}/uptime`).query(asOf ? { as_of: asOf } : {}).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ type: 'urn:store-uptime:problem:store-not-found', status: 404 });
    }
  });

  it('explains the same numbers: the timeline\'s counted polls, segments and totals give the uptime endpoint\'s answer', async () => {
    const asOf = DST_WEEK_NOWS[0];
    for (const id of stores.storeIds.slice(0, 12)) {
      for (const method of ['hourly', 'step'] as const) {
        const uptime = await request(server).get(`/stores/${id}/uptime`).query({ as_of: asOf, method });
        if (uptime.status === 404) continue;
        const timeline = (await request(server).get(`/stores/${id}/timeline`).query({ as_of: asOf, method }).expect(200)).body;
        const { store_id, ...numbers } = timeline.numbers;
        expect(store_id).toBe(id);
        expect({ store_id, ...numbers }).toEqual({ store_id: id, ...Object.fromEntries(REPORT_VALUE_COLUMNS.map((name) => [name, uptime.body[name]])) });
        expect(timeline.now_used).toBe('2024-03-12T15:20:00.000000Z');
        // Every poll of the week is listed, in time order, counted as the method says.
        const times = timeline.polls.map((poll: { timestamp_utc: string }) => poll.timestamp_utc);
        expect(times).toEqual([...times].sort());
        for (const poll of timeline.polls) {
          if (method === 'step') expect(poll.counted).toBe(true);
          if (poll.reason === 'outside_business_hours') expect(poll.counted).toBe(false);
        }
        expect(timeline.windows.last_week.business_seconds).toBeCloseTo(
          timeline.business_intervals.reduce((sum: number, i: { start_utc: string; end_utc: string }) => sum + (Date.parse(i.end_utc) - Date.parse(i.start_utc)) / 1000, 0),
          3,
        );
      }
    }
  });

  it('answers the report\'s now when as_of is absent: the latest poll of all stores', async () => {
    const latest = stores.polls.reduce((max, poll) => (poll[2] > max ? poll[2] : max), '');
    const id = stores.polls.find((poll) => poll[2] === latest)![0];
    const response = await request(server).get(`/stores/${id}/uptime`).expect(200);
    expect(Date.parse(response.body.now_used)).toBe(Date.parse(latest.replace(' UTC', 'Z').replace(' ', 'T')));
  });

  it('reads an as_of with an offset, also when its + arrived as a space', async () => {
    const id = stores.storeIds.find((storeId) => stores.polls.some((poll) => poll[0] === storeId))!;
    const utc = await request(server).get(`/stores/${id}/uptime`).query({ as_of: '2024-03-12T15:20:00Z' }).expect(200);
    const encoded = await request(server).get(`/stores/${id}/uptime?as_of=2024-03-12T20:50:00%2B05:30`).expect(200);
    const spaced = await request(server).get(`/stores/${id}/uptime?as_of=2024-03-12T20:50:00+05:30`).expect(200);
    expect(encoded.body).toEqual(utc.body);
    expect(spaced.body).toEqual(utc.body);
  });

  it('answers on the fast lane exactly as the Nest route does, for every key: 200, 400 (through Nest), 401, 403, 404', async () => {
    const reader = await createTestKey(ns.database.url, { name: 'reader', owner: 'acme', scopes: ['reports:read'] });
    const writer = await createTestKey(ns.database.url, { name: 'writer', owner: 'ops', scopes: ['reports:write'] });
    const listed = stores.storeIds.find((storeId) => stores.polls.some((poll) => poll[0] === storeId))!;
    // Connection and moment aside, everything must match: status, every header, the body byte for byte.
    const transient = new Set(['date', 'connection', 'keep-alive']);
    const answer = async (path: string, key: string | null) => {
      const call = supertest(server).get(path);
      const response = await (key === null ? call : call.set('Authorization', `Bearer ${key}`));
      const headers = Object.fromEntries(Object.entries(response.headers).filter(([name]) => !transient.has(name)));
      // A problem's instance is the path asked, which is all the two forms differ in (and so the length).
      const text = response.text.replace(`"instance":"${path.split('?')[0]}"`, '"instance":"the path asked"');
      return { status: response.status, headers: { ...headers, 'content-length': String(Buffer.byteLength(text)) }, text };
    };
    // The lane's forms, and forms it leaves to Express (a trailing slash, an empty parameter) that reach the Nest route.
    const pairs = [
      [`/stores/${listed}/uptime`, `/stores/${listed}/uptime/`],
      [`/stores/${listed}/uptime?method=step`, `/stores/${listed}/uptime?method=step&`],
      [`/stores/${listed}/uptime?as_of=2024-03-12T20:50:00%2B05:30&method=hourly`, `/stores/${listed}/uptime/?as_of=2024-03-12T20:50:00%2B05:30&method=hourly`],
      [`/stores/${listed}/uptime?as_of=2024-03-12T20:50:00+05:30`, `/stores/${listed}/uptime?as_of=2024-03-12T20:50:00+05:30&`],
      [`/stores/${encodeURIComponent('no such store')}/uptime`, `/stores/${encodeURIComponent('no such store')}/uptime/`],
      [`/stores/${listed}/uptime?method=weekly`, `/stores/${listed}/uptime/?method=weekly`],
    ];
    const statuses: number[] = [];
    for (const key of [adminKey!, reader, writer, null, 'not-a-key']) {
      for (const [lane, nest] of pairs) {
        const fromLane = await answer(lane, key);
        expect({ lane, key, ...fromLane }).toEqual({ lane, key, ...(await answer(nest, key)) });
        statuses.push(fromLane.status);
      }
    }
    expect([...new Set(statuses)].sort()).toEqual([200, 400, 401, 403, 404]);
  });

  it.each([
    ['/stores/st-0001/uptime?as_of=yesterday&method=daily', ['as_of', 'method']],
    ['/stores/st-0001/timeline?asOf=2024-03-12T15:20:00Z', ['(query)']],
    ['/stores/st-0001/uptime?method=step&method=hourly', ['method']],
    ['/stores/%20st-0001/uptime?method=weekly', ['store_id', 'method']],
    ['/stores/st-0001/uptime?as_of=2024-02-30T00:00:00Z', ['as_of']],
    ['/stores/st-0001/timeline?as_of=0000-01-01T00:00:00Z', ['as_of']],
  ])('answers 400 problem+json listing each bad field: %s', async (url, paths) => {
    const response = await request(server).get(url).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: 'urn:store-uptime:problem:invalid-request', status: 400 });
    expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(paths);
  });

  it('documents both routes with examples in the OpenAPI document', async () => {
    const document = (await request(server).get('/docs-json').expect(200)).body;
    for (const route of ['/stores/{store_id}/uptime', '/stores/{store_id}/timeline']) {
      const operation = document.paths[route].get;
      expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404', '500', '503']);
      expect(operation.responses['200'].content['application/json'].examples.hourly.value).toMatchObject({ store_id: '8419537941919820732' });
      expect(operation.parameters.map((parameter: { name: string }) => parameter.name).sort()).toEqual(['as_of', 'method', 'store_id']);
    }
  });
});
