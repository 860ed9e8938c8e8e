import 'reflect-metadata';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputFileError, readHoursFile, readPollsFile, readTimezonesFile } from '@store-uptime/csv';
import { databaseUrlFromEnv } from '../data-source-options';
import { loadReportWindow } from '../report-window';
import { createMigratedDatabase } from '../../../../test/support/temp-database';
import { type IngestFiles, ingestFiles } from './ingest';

const FIXTURES = join(__dirname, '../../../../test/fixtures/db');
const fixture = (name: string) => join(FIXTURES, name);

const DATA_2023: IngestFiles = {
  polls: fixture('2023/store_status.csv.gz'),
  hours: fixture('2023/menu_hours.csv.gz'),
  timezones: fixture('2023/timezones.csv.gz'),
};
const DATA_2024: IngestFiles = {
  polls: fixture('2024/store_status.csv'), // BOM
  hours: fixture('2024/menu_hours.csv.gz'), // dayOfWeek, no final newline
  timezones: fixture('2024/timezones.csv'), // no final newline
};

type Database = Awaited<ReturnType<typeof createMigratedDatabase>>;

describe('ingestFiles', () => {
  let db: Database;
  let scratch: string;

  beforeAll(async () => {
    db = await createMigratedDatabase(databaseUrlFromEnv());
    scratch = await mkdtemp(join(tmpdir(), 'ingest-test-'));
  });

  afterAll(async () => {
    await db?.drop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  async function count(table: string): Promise<number> {
    const [row] = await db.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n;
  }

  async function counts() {
    return { polls: await count('store_status'), hours: await count('business_hours'), timezones: await count('store_timezones') };
  }

  /** Table rows as sorted `a|b|c` strings, times as exact epoch/midnight microseconds. */
  async function pollRowsInDb(): Promise<string[]> {
    const rows: { r: string }[] = await db.dataSource.query(
      `SELECT store_id || '|' || (status = 'active')::int || '|' || (extract(epoch FROM timestamp_utc) * 1000000)::bigint AS r FROM store_status`,
    );
    return rows.map((row) => row.r).sort();
  }
  async function hoursRowsInDb(): Promise<string[]> {
    const rows: { r: string }[] = await db.dataSource.query(
      `SELECT store_id || '|' || day_of_week || '|' || (extract(epoch FROM start_time_local) * 1000000)::bigint
              || '|' || (extract(epoch FROM end_time_local) * 1000000)::bigint AS r FROM business_hours`,
    );
    return rows.map((row) => row.r).sort();
  }
  async function timezoneRowsInDb(): Promise<string[]> {
    const rows: { r: string }[] = await db.dataSource.query(`SELECT store_id || '|' || timezone_str AS r FROM store_timezones`);
    return rows.map((row) => row.r).sort();
  }

  /** The rows the CSV command reads from the same files (libs/csv), in the same form. */
  async function rowsFromFiles(files: IngestFiles[]) {
    const polls: string[] = [];
    const hours: string[] = [];
    const timezones: string[] = [];
    for (const set of files) {
      const p = (await readPollsFile(set.polls!)).columns;
      Array.from(p.store_id).forEach((id, i) => polls.push(`${id}|${p.is_active[i]}|${p.timestamp_us[i]}`));
      const h = (await readHoursFile(set.hours!)).columns;
      h.store_id.forEach((id, i) => hours.push(`${id}|${h.day_of_week[i]}|${h.start_time_us[i]}|${h.end_time_us[i]}`));
      const t = (await readTimezonesFile(set.timezones!)).columns;
      t.store_id.forEach((id, i) => timezones.push(`${id}|${t.timezone_str[i]}`));
    }
    return { polls: polls.sort(), hours: hours.sort(), timezones: timezones.sort() };
  }

  it('loads the real files (gzip or not, BOM, day or dayOfWeek, no final newline) exactly as the CSV readers read them', async () => {
    const result = await ingestFiles(db.dataSource, DATA_2023);
    expect(result.files.map((file) => [file.kind, file.table, file.mode, file.rowsRead, file.rowsLoaded])).toEqual([
      ['polls', 'store_status', 'bulk', 400, 400],
      ['hours', 'business_hours', 'bulk', 3116, 3116],
      ['timezones', 'store_timezones', 'bulk', 517, 517],
    ]);
    expect(result.rowsSkipped).toBe(0);
    expect(result.warnings).toEqual([]);

    const appended = await ingestFiles(db.dataSource, DATA_2024);
    expect(appended.files.map((file) => [file.mode, file.rowsLoaded])).toEqual([
      ['append', 364],
      ['append', 2737],
      ['append', 359],
    ]);
    const expected = await rowsFromFiles([DATA_2023, DATA_2024]);
    expect(await pollRowsInDb()).toEqual(expected.polls);
    expect(await hoursRowsInDb()).toEqual(expected.hours);
    expect(await timezoneRowsInDb()).toEqual(expected.timezones);
  });

  it('appends: the same polls loaded twice are kept twice (duplicates are data)', async () => {
    const before = await count('store_status');
    const alt = fixture('2023/store_status_alt.csv');
    await ingestFiles(db.dataSource, { polls: alt });
    await ingestFiles(db.dataSource, { polls: alt });
    expect(await count('store_status')).toBe(before + 400);
  });

  it("appends: the store list gains new stores and a store's first poll moves only to an earlier one", async () => {
    const polls = (name: string, rows: string[]) => {
      const path = join(scratch, name);
      return writeFile(path, ['store_id,status,timestamp_utc', ...rows].join('\n')).then(() => path);
    };
    const firstPolls = () =>
      db.dataSource.query(`SELECT store_id, first_poll_utc FROM polled_stores WHERE store_id LIKE 'list-%' ORDER BY store_id`);
    await ingestFiles(db.dataSource, {
      polls: await polls('list-1.csv', ['list-a,active,2023-01-20 10:00:00 UTC', 'list-b,active,2023-01-20 11:00:00 UTC']),
    });
    await ingestFiles(db.dataSource, {
      polls: await polls('list-2.csv', [
        'list-a,inactive,2023-01-21 10:00:00 UTC', // later: unchanged
        'list-b,active,2023-01-19 09:00:00 UTC', // earlier: moves
        'list-c,active,2023-01-22 08:00:00 UTC', // new
        'list-c,active,2023-01-22 07:00:00 UTC', // its earliest in the file counts
      ]),
    });
    expect(await firstPolls()).toEqual([
      { store_id: 'list-a', first_poll_utc: new Date('2023-01-20T10:00:00Z') },
      { store_id: 'list-b', first_poll_utc: new Date('2023-01-19T09:00:00Z') },
      { store_id: 'list-c', first_poll_utc: new Date('2023-01-22T07:00:00Z') },
    ]);
  });

  it('replaces a table whole with --replace and rebuilds its key and indexes', async () => {
    const result = await ingestFiles(db.dataSource, { polls: DATA_2024.polls }, { replace: true });
    expect(result.files[0]).toMatchObject({ mode: 'bulk', replaced: true, rowsLoaded: 364 });
    expect(await count('store_status')).toBe(364);
    const indexes: { indexdef: string }[] = await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'store_status' ORDER BY indexname`,
    );
    expect(indexes.map((index) => index.indexdef.replace(/ public\./, ' '))).toEqual([
      // Partitioned: the parent's index definitions say ONLY; each partition has its own copy.
      'CREATE UNIQUE INDEX store_status_pkey ON ONLY store_status USING btree (store_id, timestamp_utc, id) INCLUDE (status)',
      'CREATE INDEX store_status_timestamp_idx ON ONLY store_status USING btree (timestamp_utc)',
    ]);
    const partitions: { name: string; from: Date; indexes: number }[] = await db.dataSource.query(
      `SELECT c.relname AS name, min(p.timestamp_utc) AS from,
              (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid AND i.indisvalid)::int AS indexes
         FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid LEFT JOIN store_status p ON p.tableoid = c.oid
        WHERE h.inhparent = 'store_status'::regclass GROUP BY c.oid, c.relname ORDER BY c.relname`,
    );
    // No week of the replaced 2023 data is left, every partition has both indexes, and the week
    // after the newest poll is made ahead (empty).
    expect(partitions.map((partition) => partition.name.slice(0, 18))).toEqual(partitions.map(() => 'store_status_w2024'));
    expect(partitions.every((partition) => partition.indexes === 2)).toBe(true);
    expect(partitions[partitions.length - 1].from).toBeNull();
    const [{ stores }] = await db.dataSource.query(`SELECT count(DISTINCT store_id)::int AS stores FROM store_status`);
    expect(await count('polled_stores')).toBe(stores);
    // Hours and zones were not named, so they were left alone.
    expect(await count('business_hours')).toBe(3116 + 2737);
  });

  it('skips bad rows, counts them by reason, shows the first ones with line numbers and keeps all in --rejects', async () => {
    const rejectsPath = join(scratch, 'rejects.csv');
    const result = await ingestFiles(
      db.dataSource,
      { polls: fixture('bad/polls_bad_rows.csv'), hours: fixture('bad/hours_bad_rows.csv'), timezones: fixture('bad/timezones_bad_rows.csv') },
      { replace: true, rejectsPath },
    );
    const [polls, hours, timezones] = result.files;
    expect(polls).toMatchObject({
      rowsRead: 13,
      rowsLoaded: 5,
      skipped: { empty_store_id: 2, bad_status: 2, bad_timestamp: 2, wrong_field_count: 2 },
    });
    expect(polls.firstSkips.map((skip) => [skip.line, skip.reason])).toEqual([
      [3, 'empty_store_id'],
      [4, 'empty_store_id'],
      [5, 'bad_status'],
      [6, 'bad_timestamp'],
      [7, 'bad_timestamp'],
      [9, 'wrong_field_count'],
      [10, 'wrong_field_count'],
      [16, 'bad_status'],
    ]);
    expect(polls.firstSkips[2].text).toBe('2,paused,2023-01-25 10:00:00 UTC');
    expect(hours).toMatchObject({
      rowsRead: 9,
      rowsLoaded: 2,
      skipped: { bad_day_of_week: 3, empty_store_id: 1, bad_time: 2, wrong_field_count: 1 },
    });
    expect(timezones).toMatchObject({ rowsRead: 5, rowsLoaded: 3, skipped: { empty_store_id: 1, wrong_field_count: 1 } });
    expect(result.rowsSkipped).toBe(8 + 7 + 2);

    // The rows that were fine arrive intact: quoting, case, trimming, odd characters, year 0,
    // 9 fraction digits truncated to 6 — the same as the CSV readers.
    const expected = await rowsFromFiles([
      { polls: fixture('bad/polls_bad_rows.csv'), hours: fixture('bad/hours_bad_rows.csv'), timezones: fixture('bad/timezones_bad_rows.csv') },
    ]);
    expect(await pollRowsInDb()).toEqual(expected.polls);
    expect(expected.polls).toContain('9\nmulti\\line\ttab|1|1674640800000000');
    expect(expected.polls).toContain('8|1|1674640800123456');
    expect(await hoursRowsInDb()).toEqual(expected.hours);
    expect(await timezoneRowsInDb()).toEqual(['1|America/Chicago', '2|', '3|Not/AZone']);

    const rejects = (await readFile(rejectsPath, 'utf8')).split('\n');
    expect(rejects[0]).toBe('file,line,reason,fields…');
    expect(rejects).toContain(`${fixture('bad/polls_bad_rows.csv')},5,bad_status,2,paused,2023-01-25 10:00:00 UTC`);
    expect(rejects).toContain(`${fixture('bad/hours_bad_rows.csv')},10,bad_day_of_week,1,-1,09:00:00,17:00:00`);
    expect(rejects.filter((line) => line !== '')).toHaveLength(1 + 17);
  });

  describe('writes nothing when a file cannot be loaded', () => {
    let before: Awaited<ReturnType<typeof counts>>;
    beforeAll(async () => {
      await ingestFiles(db.dataSource, DATA_2023, { replace: true });
      before = await counts();
    });

    it.each([
      ['a missing file', { timezones: '/nonexistent/timezones.csv' }, 'no such file'],
      ['a wrong header', { polls: fixture('bad/wrong_header.csv') }, 'unreadable header "store,status,ts": missing column store_id, timestamp_utc'],
      ['an hours file given as polls', { polls: fixture('2023/menu_hours.csv.gz') }, 'missing column status, timestamp_utc'],
      ['an empty file', { hours: fixture('bad/empty.csv') }, 'empty file'],
    ])('%s', async (_label, bad, message) => {
      const rejectsPath = join(scratch, 'never.csv');
      const run = ingestFiles(db.dataSource, { ...DATA_2024, ...bad }, { replace: true, rejectsPath });
      await expect(run).rejects.toBeInstanceOf(InputFileError);
      await expect(run).rejects.toThrow(message);
      expect(await counts()).toEqual(before);
      await expect(stat(rejectsPath)).rejects.toThrow('ENOENT');
    });

    it('a gzip file that breaks off half-way, after other files and part of itself were copied', async () => {
      const rows = Array.from({ length: 60_000 }, (_, i) => `s${i % 500},active,2023-01-25 10:${String(i % 60).padStart(2, '0')}:00 UTC`);
      const gz = gzipSync(`store_id,status,timestamp_utc\n${rows.join('\n')}\n`);
      const broken = join(scratch, 'broken.csv.gz');
      await writeFile(broken, gz.subarray(0, Math.floor(gz.length * 0.8)));
      const run = ingestFiles(db.dataSource, { ...DATA_2024, polls: broken });
      await expect(run).rejects.toBeInstanceOf(InputFileError);
      expect(await counts()).toEqual(before);
    });
  });

  describe('--replace while reports read', () => {
    beforeEach(async () => {
      await ingestFiles(db.dataSource, DATA_2023, { replace: true });
    });

    it('a report that started first finishes on the old data; the replace waits for it', async () => {
      const reader = db.dataSource.createQueryRunner();
      await reader.connect();
      try {
        // What loadReportWindow does: shared locks, then its snapshot.
        await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await reader.query('LOCK TABLE store_status, business_hours, store_timezones IN ACCESS SHARE MODE');
        expect((await reader.query('SELECT count(*)::int AS n FROM store_status'))[0].n).toBe(400);
        let settled = false;
        const replacing = ingestFiles(db.dataSource, DATA_2024, { replace: true }).finally(() => (settled = true));
        await sleep(500);
        expect(settled).toBe(false);
        expect((await reader.query('SELECT count(*)::int AS n FROM store_status'))[0].n).toBe(400);
        expect((await reader.query('SELECT count(*)::int AS n FROM business_hours'))[0].n).toBe(3116);
        await reader.query('COMMIT');
        await replacing;
      } finally {
        await reader.release();
      }
      expect(await counts()).toEqual({ polls: 364, hours: 2737, timezones: 359 });
    });

    it('a report that starts during the replace waits and then sees only the new data', async () => {
      const window2024 = await (async () => {
        // The expected result, computed in a database holding only the 2024 data.
        const other = await createMigratedDatabase(databaseUrlFromEnv());
        try {
          await ingestFiles(other.dataSource, DATA_2024);
          const window = await loadReportWindow(other.dataSource);
          return { nowUs: window.nowUs, pollsRead: window.pollsRead, hours: window.inputs.hours.numRows(), zones: window.inputs.timezones.numRows() };
        } finally {
          await other.drop();
        }
      })();
      let during: Promise<Awaited<ReturnType<typeof loadReportWindow>>> | undefined;
      let settledBeforeCommit = false;
      await ingestFiles(db.dataSource, DATA_2024, {
        replace: true,
        beforeCommit: async () => {
          // Every table is already replaced inside the open transaction.
          during = loadReportWindow(db.dataSource);
          during.finally(() => (settledBeforeCommit = true)).catch(() => undefined);
          await sleep(500);
          expect(settledBeforeCommit).toBe(false);
        },
      });
      const window = await during!;
      expect({ nowUs: window.nowUs, pollsRead: window.pollsRead, hours: window.inputs.hours.numRows(), zones: window.inputs.timezones.numRows() }).toEqual(
        window2024,
      );
    });

    it('reports read in a loop during replaces always see one whole data set', async () => {
      const signature = async () => {
        const window = await loadReportWindow(db.dataSource);
        return `${window.nowUs}/${window.pollsRead}/${window.inputs.hours.numRows()}/${window.inputs.timezones.numRows()}`;
      };
      const old = await signature();
      await ingestFiles(db.dataSource, DATA_2024, { replace: true });
      const fresh = await signature();
      await ingestFiles(db.dataSource, DATA_2023, { replace: true });
      expect(fresh).not.toBe(old);

      let replacing = true;
      const seen = new Set<string>();
      const reading = (async () => {
        while (replacing) seen.add(await signature());
      })();
      for (const data of [DATA_2024, DATA_2023, DATA_2024, DATA_2023]) await ingestFiles(db.dataSource, data, { replace: true });
      replacing = false;
      await reading;
      for (const signatureSeen of seen) expect([old, fresh]).toContain(signatureSeen);
    });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
