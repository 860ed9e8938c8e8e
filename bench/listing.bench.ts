/**
 * `npm run bench:listing`: GET /reports's query (ReportsRepository.list) with 10 reports, then
 * with 1,000,000. Keyset pagination on (created_at, id) over the listing indexes (migration
 * 1795800000010) should make a page cost the same at both sizes, first page or deep in the list,
 * filtered or not. Prints p50/p99 per query shape and size, and PostgreSQL's plan at 1 M rows.
 *
 *   npm run build && npm run bench:listing [-- --rows 1000000 --queries 300]
 */
import 'reflect-metadata';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { databaseUrlFromEnv, ReportsRepository, ReportStatus, type ReportListFilter, type ReportListPosition } from '@store-uptime/db';
import { createMigratedDatabase } from '../test/support/temp-database';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '1000000' }, queries: { type: 'string', default: '300' } } });
const bigRows = Number(values.rows);
const queries = Number(values.queries);
const PAGE = 20;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const ms = (x: number) => x.toFixed(2).padStart(7);

type Database = Awaited<ReturnType<typeof createMigratedDatabase>>;

/** Reports spread over the last `n` minutes; statuses and methods mixed as a busy service would have them. */
async function seed(db: Database, from: number, to: number): Promise<void> {
  const started = Date.now();
  for (let start = from; start < to; start += 250_000) {
    const end = Math.min(to, start + 250_000);
    await db.dataSource.query(
      `INSERT INTO reports (id, status, method, progress, created_at)
       SELECT md5(i::text),
              (ARRAY['complete','complete','complete','complete','complete','complete','failed','cancelled','expired','queued'])[1 + i % 10],
              CASE WHEN i % 3 = 0 THEN 'step' ELSE 'hourly' END,
              0,
              now() - make_interval(secs => i * 60) - make_interval(secs => (i % 1000) / 1000.0)
         FROM generate_series($1::int, $2::int) AS i`,
      [start, end - 1],
    );
  }
  await db.dataSource.query('VACUUM ANALYZE reports');
  if (to - from > 1000) console.log(`seeded ${(to - from).toLocaleString('en-US')} reports in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

interface Shape {
  name: string;
  filter: ReportListFilter;
  /** Where the page starts: the newest, or the middle of the table (a deep page). */
  deep: boolean;
}

const SHAPES: Shape[] = [
  { name: 'first page, no filter', filter: {}, deep: false },
  { name: 'deep page, no filter', filter: {}, deep: true },
  { name: 'first page, status=failed', filter: { status: ReportStatus.failed }, deep: false },
  { name: 'deep page, status=failed', filter: { status: ReportStatus.failed }, deep: true },
  { name: 'deep page, status+method', filter: { status: ReportStatus.complete, method: 'step' }, deep: true },
  { name: 'deep page, method + created range', filter: { method: 'hourly', createdAfter: new Date(Date.now() - 400 * 86_400_000) }, deep: true },
];

async function middle(db: Database): Promise<ReportListPosition> {
  const [row]: { id: string; created_at: string }[] = await db.dataSource.query(
    `SELECT id, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at FROM reports
      ORDER BY created_at DESC, id DESC OFFSET (SELECT count(*) / 2 FROM reports) LIMIT 1`,
  );
  if (!row) throw new Error('no reports to page through');
  return { id: row.id, createdAt: row.created_at };
}

async function measure(db: Database, reports: ReportsRepository, label: string): Promise<Record<string, { p50: number; p99: number; rows: number }>> {
  const position = await middle(db);
  const results: Record<string, { p50: number; p99: number; rows: number }> = {};
  for (const shape of SHAPES) {
    const after = shape.deep ? position : null;
    for (let i = 0; i < 20; i++) await reports.list(shape.filter, PAGE, after); // warm-up
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < queries; i++) {
      const started = process.hrtime.bigint();
      const page = await reports.list(shape.filter, PAGE, after);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      rows = page.reports.length;
    }
    results[shape.name] = { p50: percentile(times, 50), p99: percentile(times, 99), rows };
  }
  console.log(`\n${label}`);
  for (const [name, r] of Object.entries(results)) console.log(`  ${name.padEnd(36)} p50 ${ms(r.p50)} ms   p99 ${ms(r.p99)} ms   (${r.rows} rows on the page)`);
  return results;
}

async function main(): Promise<void> {
  console.log(`bench:listing: ${queries} queries per shape, page of ${PAGE}; load ${loadavg()[0].toFixed(1)} at start`);
  const db = await createMigratedDatabase(databaseUrlFromEnv(), 'uptime_bench_listing');
  try {
    const reports = new ReportsRepository(db.dataSource);
    await seed(db, 1, 11);
    const small = await measure(db, reports, '10 reports');
    await seed(db, 11, bigRows + 1);
    const big = await measure(db, reports, `${bigRows.toLocaleString('en-US')} reports`);

    console.log('\np50 at 1 M ÷ p50 at 10 (1.0 = the same cost):');
    for (const name of Object.keys(small)) console.log(`  ${name.padEnd(36)} ${(big[name].p50 / small[name].p50).toFixed(2)}`);

    // The plan of the deepest, most filtered shape: an index scan bounded by the keyset, never a sort of the table.
    const position = await middle(db);
    const plan: { 'QUERY PLAN': string }[] = await db.dataSource.query(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) SELECT * FROM reports WHERE status = 'complete' AND method = 'step'
         AND (created_at, id) < ($1::timestamptz, $2) ORDER BY created_at DESC, id DESC LIMIT ${PAGE + 1}`,
      [position.createdAt, position.id],
    );
    console.log('\nplan at 1 M (status+method, deep page):');
    for (const line of plan) console.log(`  ${line['QUERY PLAN']}`);
    console.log(`\nload ${loadavg()[0].toFixed(1)} at the end`);
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
