import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { s3SettingsFromEnv, validateWorkerEnv } from '@store-uptime/config';
import { writeReportCsv } from '@store-uptime/csv';
import { dataSourceOptionsFromUrl } from '@store-uptime/db';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { reportKey, reportPartsPrefix, ReportStorage } from '@store-uptime/storage';
import { formatInstant, reportTable, reportWarnings, type UptimeMethod } from '@store-uptime/uptime';
import { createApiApp } from '../../apps/api/src/api-app';
import { computeReportFromDatabase } from '../../apps/worker/src/compute/report-computation';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { ensureBuilt } from '../support/ensure-built';
import { insertPolls } from '../support/insert-polls';
import { DST_WEEK_NOWS, mulberry32, randomStores, type RandomStores } from '../support/random-stores';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, pollUntil, type TestNamespace } from './support/test-services';
import { insertStoreHoursAndZones } from '../support/insert-stores';

/**
 * A report fanned out over store ranges, end to end: the API and two workers (each computing in
 * its real compute thread) on this machine's PostgreSQL, Redis and S3. The data are the committed
 * e2e fixture (8 stores, 2023) and random stores around DST weeks of 2024 (US, EU and Adelaide
 * changes, half- and quarter-hour zones, split, overnight and 24 h hours, missing and invalid
 * zones, equal timestamps, ids that need quoting), so shards cut through every kind of store. The
 * assembled CSV must be byte for byte the report computed unsharded on the same database (the
 * worker's own compute function and CSV writer on the whole fleet), with the same counts.
 */
const DAY_MS = 86_400_000;
const STORES = 150;
/** ~170 stores at most 40 a shard: 5 shards of about 34 (equal ranges, planReportShards). */
const SHARD_STORES = '40';

type Body = Record<string, unknown>;

/** The unsharded report: what a worker computes and writes for the whole fleet in one job. */
async function unshardedReport(dataSource: DataSource, asOf: string | null, method: UptimeMethod) {
  const result = await computeReportFromDatabase(dataSource, { asOf, method });
  let csv = '';
  await writeReportCsv(reportTable(result.report), new Writable({ write: (chunk: Buffer, _encoding, done) => ((csv += chunk.toString()), done()) }));
  return { csv, result };
}

async function text(storage: ReportStorage, key: string): Promise<string> {
  let body = '';
  for await (const chunk of await storage.download(key)) body += (chunk as Buffer).toString();
  return body;
}

async function keysUnder(storage: ReportStorage, prefix: string): Promise<number> {
  const page = await storage.client.send(new ListObjectsV2Command({ Bucket: storage.bucket, Prefix: prefix }));
  return page.KeyCount ?? 0;
}

describe('a report fanned out over store ranges (API + two workers)', () => {
  let ns: TestNamespace;
  let api: INestApplication;
  let server: Server;
  let dataSource: DataSource;
  let storage: ReportStorage;
  let adminKey: string;
  const workers: INestApplication[] = [];

  const request = () => supertest(server);
  const auth = () => ({ Authorization: `Bearer ${adminKey}` });

  async function startWorker(overrides: Record<string, string> = {}): Promise<INestApplication> {
    const app = await createWorkerApp({
      env: ns.env({ REPORT_SHARD_STORES: SHARD_STORES, ...overrides }),
      ignoreEnvFile: true,
      shutdownHooks: false,
      computeThreadEntry: COMPILED_THREAD_ENTRY,
    });
    await app.init();
    workers.push(app);
    return app;
  }

  async function trigger(body: Body): Promise<string> {
    const response = await request().post('/reports').set(auth()).send(body).expect(202);
    return (response.body as { id: string }).id;
  }

  const details = async (id: string) => (await request().get(`/reports/${id}`).set(auth()).expect(200)).body as Body;

  beforeAll(async () => {
    ensureBuilt();
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'e2e', scopes: ['admin'] });
    const periods = DST_WEEK_NOWS.map((now, i) => randomStores(mulberry32(900 + i), STORES, Date.parse(now) - 9 * DAY_MS, Date.parse(now) + DAY_MS));
    const stores: RandomStores = { ...periods[0], polls: periods.flatMap((period) => period.polls) };
    // Ids a CSV must quote, and one that sorts between ranges' bounds by its bytes.
    for (const id of ['st-0042,"quoted"', 'st-0100 x', 'ST-upper']) {
      stores.polls.push([id, 'active', '2024-03-12 10:00:00 UTC'], [id, 'inactive', '2024-11-05 11:00:00 UTC']);
      stores.zones.push([id, 'America/St_Johns']);
    }
    await insertStoreHoursAndZones(ns.database.url, stores);
    dataSource = await new DataSource(dataSourceOptionsFromUrl(ns.database.url)).initialize();
    await insertPolls(dataSource, stores.polls);
    storage = new ReportStorage(s3SettingsFromEnv(validateWorkerEnv(ns.env())));
    api = await createApiApp({ env: ns.env(), ignoreEnvFile: true, shutdownHooks: false });
    await api.init();
    server = api.getHttpServer() as Server;
    await startWorker();
    await startWorker();
  });

  afterAll(async () => {
    for (const app of [...workers, api]) await app?.close().catch(() => undefined);
    storage?.destroy();
    await dataSource?.destroy().catch(() => undefined);
    await ns?.cleanup();
  });

  const cases = [
    [DST_WEEK_NOWS[0], 'hourly'],
    [DST_WEEK_NOWS[2], 'step'],
    [null, 'hourly'],
  ] as const;

  it.each(cases)('assembles a CSV byte-identical to the unsharded report, with its counts (as_of %s, %s)', async (asOf, method) => {
    const id = await trigger({ ...(asOf ? { as_of: asOf } : {}), method });
    const progress = new Set<number>();
    const final = await pollUntil(
      () => details(id),
      (body) => {
        progress.add(body.progress as number);
        return body.status !== 'queued' && body.status !== 'running';
      },
      60_000,
    );
    expect(final.status).toBe('complete');

    const expected = await unshardedReport(dataSource, asOf, method);
    const csv = await text(storage, reportKey(id));
    expect(csv.length).toBe(expected.csv.length);
    expect(csv).toBe(expected.csv);
    // More stores than one shard holds: this report really was split.
    expect(expected.result.rows).toBeGreaterThan(2 * Number(SHARD_STORES));
    expect(final).toMatchObject({
      counts: { stores: expected.result.rows, polls_after_now: expected.result.stats.pollsAfterNow },
      now_used: new Date(expected.result.nowUs! / 1000).toISOString(),
      warnings: reportWarnings(expected.result.stats),
    });
    expect(formatInstant(expected.result.nowUs!).slice(0, 23)).toBe((final.now_used as string).slice(0, 23));
    // Every progress value a client saw lies on the way: 0 (queued), shards stored, 1.
    for (const value of progress) expect(value >= 0 && value <= 1).toBe(true);
    // Parts are removed once the report is complete (just after: a failed completion retries the assembly from them).
    expect(await pollUntil(() => keysUnder(storage, reportPartsPrefix(id)), (count) => count === 0, 10_000, 50)).toBe(0);
    // Each shard wrote its own stores' rows: together, the assembled CSV line for line.
    const jsonl = (await request().get(`/reports/${id}/download?format=jsonl`).set(auth()).expect(200)).text;
    const rows = jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, number | string>);
    const [header, ...lines] = csv.trimEnd().split('\n');
    expect(rows).toHaveLength(lines.length);
    const columns = header.split(',');
    lines.forEach((line, i) => {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.slice(0, columns.length).map((cell) => cell.replace(/,$/, ''));
      const storeId = cells[0].startsWith('"') ? cells[0].slice(1, -1).replace(/""/g, '"') : cells[0];
      expect(rows[i].store_id).toBe(storeId);
      for (let c = 1; c < columns.length; c++) expect(rows[i][columns[c]]).toBe(Number(cells[c]));
    });
  });

  it('stops every shard of a cancelled report and leaves neither parts nor a CSV behind', async () => {
    // Small shards and one worker: many shards still to run when the cancel comes.
    for (const app of workers.splice(0)) await app.close();
    await startWorker({ REPORT_SHARD_STORES: '5' });
    const id = await trigger({ method: 'step' });
    await pollUntil(
      () => details(id),
      (body) => (body.progress as number) > 0.05 || (body.status !== 'queued' && body.status !== 'running'),
      60_000,
      10,
    );
    await request().post(`/reports/${id}/cancel`).set(auth()).expect(202);
    expect((await details(id)).status).toBe('cancelled');

    // Within a few seconds, nothing of the report is left running, waiting or stored.
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(ns.env().REDIS_URL), prefix: ns.env().REDIS_PREFIX });
    try {
      const settled = await pollUntil(
        async () => ({
          pending: (await queue.getJobs(['waiting', 'active', 'delayed', 'prioritized'])).filter((job) => job.data?.reportId === id).length,
          parts: await keysUnder(storage, reportPartsPrefix(id)),
          csv: await storage.exists(reportKey(id)),
        }),
        (state) => state.pending === 0 && state.parts === 0 && !state.csv,
        20_000,
        100,
      );
      expect(settled).toEqual({ pending: 0, parts: 0, csv: false });
      // No shard's rows either (a shard that finished after the cancel removes them again).
      const rows = await pollUntil(
        async () => Number((await dataSource.query(`SELECT count(*)::int AS n FROM report_rows WHERE report_id = $1`, [id]))[0].n),
        (count) => count === 0,
        10_000,
        100,
      );
      expect(rows).toBe(0);
    } finally {
      await queue.close();
    }
    expect((await details(id)).status).toBe('cancelled');
  });
});
