import 'reflect-metadata';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { parseLocalTime, parseTimestampUtc } from '@store-uptime/uptime';
import { databaseUrlFromEnv } from './data-source-options';
import { loadStoreWindow, type StoreWindow } from './store-window';
import { insertPolls } from '../../../test/support/insert-polls';
import { createMigratedDatabase } from '../../../test/support/temp-database';

type Poll = [storeId: string, status: 'active' | 'inactive', timestamp: string];

/** Polls as `store|status|timestamp µs` strings, sorted, so expectations read like the data. */
function pollRows(window: StoreWindow): string[] {
  const polls = window.inputs.polls;
  const ids = Array.from(polls.column('store_id') as unknown as Iterable<string>);
  const active = polls.array('is_active') as Uint8Array;
  const times = polls.array('timestamp_us') as Float64Array;
  return ids.map((id, i) => `${id}|${active[i] ? 'active' : 'inactive'}|${times[i]}`).sort();
}

const us = (text: string) => parseTimestampUtc(text);
const row = ([store, status, time]: Poll) => `${store}|${status}|${us(time)}`;

describe('loadStoreWindow', () => {
  let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase(databaseUrlFromEnv());
    ({ dataSource } = database);
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function replaceData(polls: Poll[]): Promise<void> {
    await dataSource.query('TRUNCATE store_status, polled_stores, business_hours, store_timezones');
    if (polls.length > 0) await insertPolls(dataSource, polls);
  }

  it('has no now and no rows on an empty database', async () => {
    await replaceData([]);
    const window = await loadStoreWindow(dataSource, 'a');
    expect(window.nowUs).toBeNull();
    expect(window.inputs.polls.numRows()).toBe(0);
  });

  it("reads the store's week before the latest poll of all stores, and its one carry-in poll", async () => {
    const now = '2023-01-25 18:13:22.47922 UTC';
    const windowStart = '2023-01-18 18:13:22.47922 UTC';
    await replaceData([
      ['b', 'active', now], // the latest poll of all stores: now
      ['a', 'inactive', windowStart], // exactly now − 7 d: inside
      ['a', 'active', '2023-01-24 10:00:00 UTC'],
      ['a', 'inactive', '2023-01-18 18:13:22.479219 UTC'], // 1 µs before the week: the carry-in, at equal time…
      ['a', 'active', '2023-01-18 18:13:22.479219 UTC'], // …the inactive one is the later one
      ['a', 'active', '2023-01-10 00:00:00 UTC'], // older than the carry-in: never read
    ]);
    const window = await loadStoreWindow(dataSource, 'a');
    expect(window.nowUs).toBe(us(now));
    expect(pollRows(window)).toEqual(
      ([
        ['a', 'inactive', windowStart],
        ['a', 'active', '2023-01-24 10:00:00 UTC'],
        ['a', 'inactive', '2023-01-18 18:13:22.479219 UTC'],
      ] as Poll[]).map(row).sort(),
    );
  });

  it('cuts the window at as_of: a poll at as_of is read, one after it is not', async () => {
    await replaceData([
      ['a', 'active', '2024-05-06 12:00:00 UTC'],
      ['a', 'inactive', '2024-05-06 12:00:00.001 UTC'],
    ]);
    const window = await loadStoreWindow(dataSource, 'a', { asOf: new Date('2024-05-06T12:00:00Z') });
    expect(window.nowUs).toBe(us('2024-05-06 12:00:00 UTC'));
    expect(pollRows(window)).toEqual([row(['a', 'active', '2024-05-06 12:00:00 UTC'])]);
    expect((await loadStoreWindow(dataSource, 'nobody')).inputs.polls.numRows()).toBe(0);
  });

  it("reads the store's hours and zones as given, and nothing of other stores", async () => {
    await replaceData([['a', 'active', '2024-03-10 12:00:00 UTC']]);
    await dataSource.query(
      `INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local) VALUES ('a', 6, '22:00', '02:00:00.5'), ('a', 0, '09:00', '17:00'), ('b', 0, '00:00', '00:00')`,
    );
    await dataSource.query(`INSERT INTO store_timezones (store_id, timezone_str) VALUES ('a', 'America/Chicago'), ('a', 'Not/AZone'), ('b', 'UTC')`);
    const window = await loadStoreWindow(dataSource, 'a');
    const hours = window.inputs.hours.objects() as Record<string, unknown>[];
    expect(hours.map((h) => [h.store_id, h.day_of_week, h.start_time_us, h.end_time_us]).sort()).toEqual(
      [
        ['a', 0, parseLocalTime('09:00:00'), parseLocalTime('17:00:00')],
        ['a', 6, parseLocalTime('22:00:00'), parseLocalTime('02:00:00.5')],
      ].sort(),
    );
    expect(window.inputs.timezones.objects()).toEqual(
      expect.arrayContaining([
        { store_id: 'a', timezone_str: 'America/Chicago' },
        { store_id: 'a', timezone_str: 'Not/AZone' },
      ]),
    );
    expect(window.inputs.timezones.numRows()).toBe(2);
  });

  it('cuts an exact 7 × 24 h week whatever the session time zone (a DST week in America/Chicago)', async () => {
    // "7 days" before 2024-03-13 07:00 CDT is 2024-03-06 07:00 CST = 13:00 UTC, only 167 h: a
    // calendar interval would drop the 12:00 poll into the carry-in and lose the 11:00 one.
    await replaceData([
      ['a', 'active', '2024-03-13 12:00:00 UTC'], // now
      ['a', 'inactive', '2024-03-06 12:00:00 UTC'], // exactly 168 h before: inside
      ['a', 'active', '2024-03-06 11:00:00 UTC'], // the carry-in
      ['a', 'inactive', '2024-03-06 10:00:00 UTC'], // older: never read
    ]);
    const pool = new Pool({ connectionString: database.url, options: '-c TimeZone=America/Chicago' });
    try {
      const window = await loadStoreWindow(pool, 'a');
      expect(window.nowUs).toBe(us('2024-03-13 12:00:00 UTC'));
      expect(pollRows(window)).toEqual(
        ([
          ['a', 'active', '2024-03-13 12:00:00 UTC'],
          ['a', 'inactive', '2024-03-06 12:00:00 UTC'],
          ['a', 'active', '2024-03-06 11:00:00 UTC'],
        ] as Poll[]).map(row).sort(),
      );
    } finally {
      await pool.end();
    }
  });
});
