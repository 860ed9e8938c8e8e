/**
 * `npm run bench:db`: the data layer at full scale.
 *
 * 1. Ingest of the full-scale generated poll file (~1.8 M rows, 14 k stores; made once with
 *    `gen:data` and cached outside the repository) into an empty table of a fresh database,
 *    with `npm run ingest`'s own code.
 * 2. The window read (`loadReportWindow`, what the worker runs per report) on 1 week of history,
 *    then on 4 weeks (the same week shifted back 1, 2 and 3 weeks in SQL): its cost must follow
 *    the window, not the history.
 * Each is printed next to what PostgreSQL alone takes for the same data (a bare COPY of the CSV
 * into an unindexed table; a bare COPY of the window query to nowhere), so figures from a busy
 * machine can be judged. Targets: ingest ≤ 10 s, window read ≤ 1.2 s.
 *
 *   npm run build && npm run bench:db [-- --runs 3]
 */
import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Pool, type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  databaseUrlFromEnv,
  dropKeysAndIndexes,
  ingestFiles,
  loadReportWindow,
  reportWindowPollsSql,
  withPgClient,
} from '@store-uptime/db';
import { createMigratedDatabase } from '../test/support/temp-database';
import { fullScalePolls } from './full-scale-data';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Math.max(1, Number(values.runs));

const seconds = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e9;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const count = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () => loadavg()[0].toFixed(1);

type Database = Awaited<ReturnType<typeof createMigratedDatabase>>;

/** PostgreSQL alone: the CSV (gunzipped) COPYed into a bare temporary table, no validation, no index. */
async function bareCopySeconds(pool: Pool, path: string): Promise<number> {
  return withPgClient(pool, async (client) => {
    await client.query(`CREATE TEMP TABLE bare_copy (store_id text, status text, timestamp_utc timestamptz)`);
    try {
      const started = process.hrtime.bigint();
      await pipeline(createReadStream(path), createGunzip(), client.query(copyFrom(`COPY bare_copy FROM STDIN (FORMAT csv, HEADER true)`)));
      return seconds(started);
    } finally {
      await client.query('DROP TABLE bare_copy');
    }
  });
}

/** PostgreSQL alone: the window query's rows streamed out and thrown away. */
async function bareWindowSeconds(pool: Pool, nowUs: number): Promise<number> {
  return withPgClient(pool, async (client) => {
    const started = process.hrtime.bigint();
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await pipeline(client.query(copyTo(`COPY (${reportWindowPollsSql(nowUs)}) TO STDOUT (FORMAT binary)`)), sink);
    return seconds(started);
  });
}

async function windowReads(db: Database, pool: Pool, label: string): Promise<{ seconds: number; polls: number }> {
  const times: number[] = [];
  let polls = 0;
  let nowUs = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const window = await loadReportWindow(db.dataSource);
    times.push(seconds(started));
    polls = window.pollsRead;
    nowUs = window.nowUs ?? 0;
  }
  const bare = await bareWindowSeconds(pool, nowUs);
  const best = median(times);
  console.log(
    `window read, ${label}: ${best.toFixed(2)} s (median of ${runs}), ${count(polls)} polls, ${count(polls / best)} polls/s` +
      `  [PostgreSQL alone hands the slice over in ${bare.toFixed(2)} s; rss ${count(process.memoryUsage().rss / 2 ** 20)} MB; load ${load()}]`,
  );
  return { seconds: best, polls };
}

/** Adds weeks 2–4 of history: the loaded week shifted back by 1, 2 and 3 weeks, bulk-style. */
async function addOlderWeeks(client: PoolClient): Promise<number> {
  const started = process.hrtime.bigint();
  await client.query('BEGIN');
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  const rebuild = await dropKeysAndIndexes(client, 'store_status');
  await client.query(`
    INSERT INTO store_status (store_id, status, timestamp_utc)
    SELECT store_id, status, timestamp_utc - weeks * interval '7 days'
      FROM store_status CROSS JOIN generate_series(1, 3) AS weeks`);
  for (const statement of rebuild) await client.query(statement);
  await client.query('COMMIT');
  await client.query('VACUUM (ANALYZE) store_status');
  return seconds(started);
}

async function main(): Promise<void> {
  console.log(`bench:db — ${cpus().length} CPUs, load average ${load()}, DATABASE_URL server ${new URL(databaseUrlFromEnv()).host}`);
  const polls = fullScalePolls();
  console.log(`poll file: ${polls} (${((await stat(polls)).size / 1e6).toFixed(1)} MB)`);

  const db = await createMigratedDatabase(databaseUrlFromEnv(), 'uptime_bench');
  // Baselines use their own connections, outside TypeORM.
  const pool = new Pool({ connectionString: db.url, max: 2 });
  const stop = () => void pool.end().then(() => db.drop()).finally(() => process.exit(130));
  process.once('SIGINT', stop);
  try {
    const bare = await bareCopySeconds(pool, polls);

    const started = process.hrtime.bigint();
    const result = await ingestFiles(db.dataSource, { polls });
    const ingest = seconds(started);
    const file = result.files[0];
    console.log(
      `ingest (npm run ingest's code, empty table): ${ingest.toFixed(2)} s, ${count(file.rowsLoaded)} rows, ${count(file.rowsRead / ingest)} rows/s` +
        `  [read+validate+COPY ${file.seconds.copy.toFixed(2)} s, key+index build ${file.seconds.rebuild.toFixed(2)} s, VACUUM ANALYZE ${(ingest - file.seconds.copy - file.seconds.rebuild).toFixed(2)} s;` +
        ` PostgreSQL alone COPYs the CSV into a bare table in ${bare.toFixed(2)} s; load ${load()}]`,
    );

    const oneWeek = await windowReads(db, pool, '1 week of history');
    const shift = await withPgClient(db.dataSource, addOlderWeeks);
    const [{ n }] = await db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM store_status');
    console.log(`(added weeks 2–4 of history in SQL: ${count(n)} polls now, ${shift.toFixed(1)} s)`);
    const fourWeeks = await windowReads(db, pool, '4 weeks of history');
    console.log(
      `history ×${(n / file.rowsLoaded).toFixed(1)} → window read ×${(fourWeeks.seconds / oneWeek.seconds).toFixed(2)} (polls read ${count(oneWeek.polls)} → ${count(fourWeeks.polls)})`,
    );
    console.log(
      `targets: ingest ≤ 10 s: ${ingest <= 10 ? 'met' : 'MISSED'}; window read ≤ 1.2 s: ${Math.max(oneWeek.seconds, fourWeeks.seconds) <= 1.2 ? 'met' : 'MISSED'}`,
    );
  } finally {
    process.off('SIGINT', stop);
    await pool.end();
    await db.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
