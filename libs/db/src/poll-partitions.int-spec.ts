import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parseTimestampUtc } from '@store-uptime/uptime';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from './data-source-options';
import { ingestFiles } from './ingest/ingest';
import { migrateDown, migrateUp } from './migrate';
import { maintainPolls } from './poll-maintenance';
import { listPollPartitions, WEEK_US } from './poll-partitions';
import { withPgClient } from './pg-source';
import { loadReportWindow, reportWindowPollsSql } from './report-window';
import { insertPolls, type PollRow } from '../../../test/support/insert-polls';
import { createMigratedDatabase, createTempDatabase } from '../../../test/support/temp-database';

type Database = Awaited<ReturnType<typeof createMigratedDatabase>>;

const us = (text: string) => parseTimestampUtc(text);
/** Monday 2023-01-02 00:00 UTC starts week 0 of these tests; `at(w, day, hour)` is a time inside week w. */
const WEEK0_US = us('2023-01-02 00:00:00 UTC');
const at = (week: number, day: number, hour: number) => new Date((WEEK0_US + week * WEEK_US + (day * 24 + hour) * 3_600_000_000) / 1000).toISOString();
const partition = (week: number) => `store_status_w${new Date((WEEK0_US + week * WEEK_US) / 1000).toISOString().slice(0, 10).replaceAll('-', '')}`;

/** Polls of stores a, b and c every 6 hours through weeks 0–4, and of store `old` in week 0 only. */
function fiveWeeksOfPolls(): PollRow[] {
  const polls: PollRow[] = [];
  for (let week = 0; week < 5; week++) {
    for (let hour = 0; hour < 7 * 24; hour += 6) {
      for (const store of ['a', 'b', 'c']) polls.push([store, (hour / 6) % 5 === 0 ? 'inactive' : 'active', at(week, 0, hour)]);
    }
  }
  polls.push(['old', 'active', at(0, 2, 3)]);
  return polls;
}

async function pollCount(db: Database): Promise<number> {
  const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM store_status`);
  return n;
}

describe('store_status partitioned by week', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'poll-partitions-'));
  });
  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('the migration moves an existing unpartitioned table’s polls, ids included, into weekly partitions, and back down', async () => {
    const database = await createTempDatabase(databaseUrlFromEnv());
    const options = dataSourceOptionsFromUrl(database.url);
    const migrations = options.migrations as Extract<typeof options.migrations, unknown[]>;
    // The schema just before partitioning, then up to and including it (later migrations are not this spec's).
    const partitioning = migrations.findIndex((migration) => typeof migration === 'function' && migration.name === 'PartitionStoreStatus1795800000020');
    const before = new DataSource({ ...options, migrations: migrations.slice(0, partitioning) });
    const after = new DataSource({ ...options, migrations: migrations.slice(0, partitioning + 1) });
    try {
      // The schema a user who ran `npm start` before has, with data in it.
      await before.initialize();
      expect(await migrateUp(before)).toHaveLength(partitioning);
      await before.query(`
        INSERT INTO store_status (store_id, status, timestamp_utc)
        VALUES ('s1', 'active', '2023-01-17 10:00:00.123456Z'), ('s1', 'active', '2023-01-17 10:00:00.123456Z'),
               ('s2', 'inactive', '2023-01-24 23:59:59.999999Z'), ('s1', 'inactive', '2023-01-25 00:00:00Z')`);
      const rows = `SELECT id::text, store_id, status, timestamp_utc FROM store_status ORDER BY id`;
      const original = await before.query(rows);
      await before.destroy();

      await after.initialize();
      expect(await migrateUp(after)).toEqual(['PartitionStoreStatus1795800000020']);
      expect(await after.query(rows)).toEqual(original);
      const partitions = await withPgClient(after, listPollPartitions);
      expect(partitions.map((p) => p.name)).toEqual(['store_status_w20230116', 'store_status_w20230123']);
      expect(partitions[0]).toMatchObject({ fromUs: us('2023-01-16 00:00:00 UTC'), toUs: us('2023-01-23 00:00:00 UTC') });
      expect(await after.query(`SELECT store_id, first_poll_utc FROM polled_stores ORDER BY store_id`)).toEqual([
        { store_id: 's1', first_poll_utc: new Date('2023-01-17T10:00:00.123Z') },
        { store_id: 's2', first_poll_utc: new Date('2023-01-24T23:59:59.999Z') },
      ]);
      // New rows continue the ids.
      const [{ id }] = await after.query(`INSERT INTO store_status (store_id, status, timestamp_utc) VALUES ('s3', 'active', '2023-01-18Z') RETURNING id::int`);
      expect(id).toBeGreaterThan(4);

      expect(await migrateDown(after)).toEqual(['PartitionStoreStatus1795800000020']);
      const [{ kind }] = await after.query(`SELECT relkind AS kind FROM pg_class WHERE relname = 'store_status'`);
      expect(kind).toBe('r');
      expect(await after.query(`SELECT count(*)::int AS n FROM store_status WHERE id <= 4`)).toEqual([{ n: 4 }]);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });

  describe('with five weeks of polls', () => {
    let db: Database;

    beforeAll(async () => {
      db = await createMigratedDatabase(databaseUrlFromEnv());
      await insertPolls(db.dataSource, fiveWeeksOfPolls());
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('a window read scans only the weeks of its window and the week before it, and prunes later ones', async () => {
      const nowUs = us(at(3, 2, 12));
      const [{ 'QUERY PLAN': plan }] = await db.dataSource.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${reportWindowPollsSql(nowUs)}`);
      const loops = new Map<string, number>();
      const walk = (node: { 'Relation Name'?: string; 'Actual Loops'?: number; Plans?: unknown[] }) => {
        if (node['Relation Name']) loops.set(node['Relation Name'], (loops.get(node['Relation Name']) ?? 0) + (node['Actual Loops'] ?? 0));
        for (const child of node.Plans ?? []) walk(child as typeof node);
      };
      walk(plan[0].Plan);
      // Weeks 4 and later start after now: not even planned.
      expect([...loops.keys()].sort()).toEqual(['polled_stores', partition(0), partition(1), partition(2), partition(3)].sort());
      // The window [week 2 Wed 12:00, week 3 Wed 12:00] is in weeks 2 and 3, read for each of the 4
      // stores; the carry-in of a, b and c is in week 2, so weeks 0 and 1 are opened only for
      // store `old`, whose one poll is in week 0.
      expect(Object.fromEntries(loops)).toEqual({
        polled_stores: 1,
        [partition(0)]: 1,
        [partition(1)]: 1,
        [partition(2)]: 4 + 4,
        [partition(3)]: 4,
      });
    });

    it('appending an hour into a week without a partition neither waits for a running report nor makes one wait', async () => {
      // An hour of polls six weeks on: its partition does not exist yet, so the append must make one.
      const hourFile = join(scratch, 'hour.csv');
      await writeFile(hourFile, `store_id,status,timestamp_utc\na,active,${at(10, 1, 5)}\nb,inactive,${at(10, 1, 5)}\nnew,active,${at(10, 1, 5)}\n`);
      const countBefore = await pollCount(db);

      // A report in the middle of its window read: its transaction holds the locks the read takes.
      const report = new Client({ connectionString: db.url });
      await report.connect();
      try {
        await report.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await report.query('LOCK TABLE store_status, polled_stores, business_hours, store_timezones IN ACCESS SHARE MODE');
        await report.query(`SELECT count(*) FROM store_status`);

        // If the append waited for the report, it would never finish while the report stays open;
        // if a report waited for the append, the read inside beforeCommit would never finish.
        let readDuringAppend: number | null = null;
        const result = await ingestFiles(
          db.dataSource,
          { polls: hourFile },
          {
            beforeCommit: async () => {
              readDuringAppend = (await loadReportWindow(db.dataSource, { asOf: new Date(at(4, 6, 0)) })).pollsRead;
            },
          },
        );
        expect(result.files[0]).toMatchObject({ mode: 'append', rowsLoaded: 3 });
        expect(readDuringAppend).toBeGreaterThan(0);
        // The running report still sees its snapshot; a new one sees the hour.
        const [{ n }] = (await report.query(`SELECT count(*)::int AS n FROM store_status`)).rows;
        expect(n).toBe(countBefore);
        await report.query('COMMIT');
      } finally {
        await report.end();
      }
      expect(await pollCount(db)).toBe(countBefore + 3);
      const names = (await withPgClient(db.dataSource, listPollPartitions)).map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining([partition(10), partition(11)])); // and the week after, made ahead
      const window = await loadReportWindow(db.dataSource);
      expect(window.nowUs).toBe(us(at(10, 1, 5)));
      expect([...new Set(Array.from(window.inputs.polls.column('store_id') as unknown as Iterable<string>))].sort()).toEqual(['a', 'b', 'c', 'new', 'old']); // old: its week-0 poll is its carry-in
    });

    it('db:maintain makes partitions ahead and drops whole weeks past the retention, keeping the store list true', async () => {
      // Newest poll: week 10 Tue 05:00. 30 days back is week 5 Sun 05:00: weeks 0–4 end before it.
      const nowUs = us('2030-06-05 12:00:00 UTC');
      const result = await maintainPolls(db.dataSource, { retentionDays: 30, nowUs });
      expect(result.dropped).toEqual([partition(0), partition(1), partition(2), partition(3), partition(4)]);
      // c and old had polls only there; a's and b's first poll is now the week-10 one.
      expect(result).toMatchObject({ storesRemoved: 2, storesUpdated: 2 });
      expect(result.created).toEqual(expect.arrayContaining([partition(12), 'store_status_w20300603', 'store_status_w20300617']));
      const [{ oldest }] = await db.dataSource.query(`SELECT min(timestamp_utc) AS oldest FROM store_status`);
      expect(oldest).toEqual(new Date(at(10, 1, 5)));
      expect(await db.dataSource.query(`SELECT store_id FROM polled_stores ORDER BY store_id`)).toEqual([{ store_id: 'a' }, { store_id: 'b' }, { store_id: 'new' }]);
      // Run again: nothing more to do.
      expect(await maintainPolls(db.dataSource, { retentionDays: 30, nowUs })).toMatchObject({ created: [], dropped: [] });
    });
  });
});
