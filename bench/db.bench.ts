/**
 * `npm run bench:db`: the data layer at full scale.
 *
 * 1. Ingest of the full-scale generated poll file (~1.8 M rows, 14 k stores; made once with
 *    `gen:data` and cached outside the repository) into an empty table of a fresh database,
 *    with `npm run ingest`'s own code.
 * 2. The window read (`loadReportWindow`, what the worker runs per report) on 1 week of history.
 * 3. Appending one hour of the fleet's polls (one poll per store) with ingest's code, alone and
 *    while a window read runs (the two must not wait for each other).
 * 4. The window read again on `--weeks` of history (default 52: the same week shifted back 1 … 51
 *    weeks in SQL, each in its own weekly partition): its cost must follow the window, not the
 *    history.
 * 5. The same window once more after retention's own partition drop has cut that history to the
 *    weeks the read needs (the window's and the one before it, for the carry-in). Steps 4 and 5
 *    read the same polls and carry-ins from the same partitions, so their ratio is what the
 *    history's length alone costs. Step 2's loaded week is not that baseline: its window starts
 *    in a partition the generated data fills for 5.8 days only, and a store whose polls all lie
 *    inside the window has no carry-in to find, so it reads fewer polls (printed) and index entries.
 * Each is printed next to what PostgreSQL alone takes for the same data (a bare COPY of the CSV
 * into an unindexed table; a bare COPY of the window query to nowhere), so figures from a busy
 * machine can be judged. Targets: ingest ≤ 10 s, window read ≤ 1.2 s, an hour's append ≤ 0.3 s,
 * the window read on 52 weeks within 1.2× of the same window without the older weeks (step 5).
 * Step 4 writes ~15 GB at 52 weeks and takes several minutes; `--weeks 4` is a quick look.
 *
 *   npm run build && npm run bench:db [-- --runs 3] [--weeks 52]
 */
import 'reflect-metadata';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { Pool, type PoolClient } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import {
  databaseUrlFromEnv,
  dropKeysAndIndexes,
  dropPollPartitionsBefore,
  ensurePollPartitions,
  ingestFiles,
  loadReportWindow,
  pollWeekStartUs,
  REPORT_WINDOW_SESSION_SQL,
  reportWindowPollsSql,
  WEEK_US,
  withPgClient,
} from '@store-uptime/db';
import { createMigratedDatabase } from '../test/support/temp-database';
import { fullScalePolls } from './full-scale-data';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, weeks: { type: 'string', default: '52' } } });
const runs = Math.max(1, Number(values.runs));
const weeks = Math.max(2, Number(values.weeks));

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

/** PostgreSQL alone: the window query's rows streamed out and thrown away, in the session the loader gives it. */
async function bareWindowSeconds(pool: Pool, nowUs: number): Promise<number> {
  return withPgClient(pool, async (client) => {
    const started = process.hrtime.bigint();
    await client.query('BEGIN');
    await client.query(REPORT_WINDOW_SESSION_SQL);
    const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
    await pipeline(client.query(copyTo(`COPY (${reportWindowPollsSql(nowUs)}) TO STDOUT (FORMAT binary)`)), sink);
    await client.query('COMMIT');
    return seconds(started);
  });
}

async function windowReads(db: Database, pool: Pool, label: string, asOfUs?: number): Promise<{ seconds: number; polls: number; nowUs: number }> {
  const times: number[] = [];
  let polls = 0;
  let nowUs = 0;
  for (let run = 0; run < runs; run++) {
    const started = process.hrtime.bigint();
    const window = await loadReportWindow(db.dataSource, asOfUs === undefined ? {} : { asOf: new Date(asOfUs / 1000) });
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
  return { seconds: best, polls, nowUs };
}

/**
 * Adds weeks 2 … `weeks` of history: the loaded polls shifted back by 1 … weeks − 1 weeks, one
 * week at a time, bulk-style (keys dropped, then rebuilt on every partition), and the store list's
 * first polls moved back as ingest would.
 */
async function addOlderWeeks(client: PoolClient): Promise<number> {
  const started = process.hrtime.bigint();
  const [{ oldest }] = (await client.query<{ oldest: string }>(`SELECT (extract(epoch FROM min(timestamp_utc)) * 1000000)::bigint::text AS oldest FROM store_status`)).rows;
  await client.query('BEGIN');
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  const firstWeek = pollWeekStartUs(Number(oldest));
  await ensurePollPartitions(client, Array.from({ length: weeks }, (_, back) => firstWeek - back * WEEK_US));
  const rebuild = await dropKeysAndIndexes(client, 'store_status');
  await client.query(`CREATE TEMP TABLE week_one ON COMMIT DROP AS SELECT store_id, status, timestamp_utc FROM store_status`);
  for (let back = 1; back < weeks; back++) {
    await client.query(`INSERT INTO store_status (store_id, status, timestamp_utc) SELECT store_id, status, timestamp_utc - ${back} * interval '7 days' FROM week_one`);
    if (back % 10 === 0) process.stderr.write(`  … ${back} of ${weeks - 1} older weeks inserted (${seconds(started).toFixed(0)} s)\n`);
  }
  await client.query(`UPDATE polled_stores SET first_poll_utc = first_poll_utc - ${weeks - 1} * interval '7 days'`);
  process.stderr.write(`  … rebuilding the key and index on every partition (${seconds(started).toFixed(0)} s)\n`);
  for (const statement of rebuild) await client.query(statement);
  await client.query('COMMIT');
  await client.query('VACUUM (ANALYZE) store_status, polled_stores');
  return seconds(started);
}

/** One hour of the fleet's polls after `afterUs`: one poll per store, as the hourly increment brings. */
async function hourFile(db: Database, directory: string, afterUs: number, index: number): Promise<{ path: string; polls: number }> {
  const stores: { store_id: string }[] = await db.dataSource.query(`SELECT store_id FROM polled_stores ORDER BY store_id`);
  const lines = stores.map(({ store_id }, i) => {
    const at = new Date((afterUs + Math.floor(((i * 7919) % 3_600) * 1e6)) / 1000).toISOString();
    return `${store_id},${i % 17 === 0 ? 'inactive' : 'active'},${at}`;
  });
  const path = join(directory, `hour-${index}.csv`);
  await writeFile(path, `store_id,status,timestamp_utc\n${lines.join('\n')}\n`);
  return { path, polls: lines.length };
}

/** Appends `count` successive hours with ingest's code; the median time, and one append timed while a window read runs. */
async function hourlyAppends(db: Database, latestUs: number): Promise<{ alone: number; beside: number; read: number; polls: number }> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-db-'));
  try {
    const times: number[] = [];
    let next = latestUs;
    for (let hour = 0; hour < Math.max(3, runs); hour++) {
      const { path } = await hourFile(db, directory, next, hour);
      next += 3_600e6;
      const started = process.hrtime.bigint();
      await ingestFiles(db.dataSource, { polls: path });
      times.push(seconds(started));
    }
    // Beside a running report: the read starts first and holds its locks for its whole duration.
    const { path, polls } = await hourFile(db, directory, next, 99);
    const readStarted = process.hrtime.bigint();
    const reading = loadReportWindow(db.dataSource).then(() => seconds(readStarted));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = process.hrtime.bigint();
    await ingestFiles(db.dataSource, { polls: path });
    const beside = seconds(started);
    return { alone: median(times), beside, read: await reading, polls };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
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
    const [{ latest }] = await db.dataSource.query<{ latest: string }[]>(
      `SELECT (extract(epoch FROM max(timestamp_utc)) * 1000000)::bigint::text AS latest FROM store_status`,
    );
    const appends = await hourlyAppends(db, Number(latest));
    console.log(
      `append one hour (${count(appends.polls)} polls, ingest's code incl. VACUUM of its partition): ${appends.alone.toFixed(3)} s (median); ` +
        `${appends.beside.toFixed(3)} s while a window read ran (that read took ${appends.read.toFixed(2)} s)  [load ${load()}]`,
    );
    // The appended hours are polls after the loaded week: the window reads below cut at the same `now` as above.
    const shift = await withPgClient(db.dataSource, addOlderWeeks);
    const [{ n }] = await db.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM store_status');
    console.log(`(added weeks 2–${weeks} of history in SQL: ${count(n)} polls now, ${shift.toFixed(0)} s)`);
    const longHistory = await windowReads(db, pool, `${weeks} weeks of history`, oneWeek.nowUs);
    console.log(
      `history ×${(n / file.rowsLoaded).toFixed(1)} → window read ×${(longHistory.seconds / oneWeek.seconds).toFixed(2)} of the loaded week's ` +
        `(polls read ${count(oneWeek.polls)} → ${count(longHistory.polls)})`,
    );
    const dropped = await withPgClient(db.dataSource, (client) => dropPollPartitionsBefore(client, oneWeek.nowUs - 2 * WEEK_US));
    await db.dataSource.query('VACUUM (ANALYZE) store_status');
    const [{ left }] = await db.dataSource.query<{ left: number }[]>('SELECT count(*)::int AS left FROM store_status');
    const cut = await windowReads(db, pool, `the same window, the history cut to its last 2 weeks (${dropped.length} partitions dropped, ${count(left)} polls left)`, oneWeek.nowUs);
    const ratio = longHistory.seconds / cut.seconds;
    console.log(`${weeks} weeks of history → the same window read ×${ratio.toFixed(2)} (polls read ${count(cut.polls)} both times: ${cut.polls === longHistory.polls ? 'yes' : 'NO'})`);
    console.log(
      `targets: ingest ≤ 10 s: ${ingest <= 10 ? 'met' : 'MISSED'}; window read ≤ 1.2 s: ${Math.max(oneWeek.seconds, longHistory.seconds) <= 1.2 ? 'met' : 'MISSED'}; ` +
        `hour append ≤ 0.3 s: ${Math.max(appends.alone, appends.beside) <= 0.3 ? 'met' : 'MISSED'}; ${weeks} weeks within 1.2× of the same window without them: ${ratio <= 1.2 ? 'met' : 'MISSED'}`,
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
