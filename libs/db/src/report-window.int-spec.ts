import 'reflect-metadata';
import { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { MICROS_PER_DAY, parseLocalTime, parseTimestampUtc } from '@store-uptime/uptime';
import { databaseUrlFromEnv } from './data-source-options';
import { loadReportWindow, type ReportWindow } from './report-window';
import { insertPolls, type PollRow as Poll } from '../../../test/support/insert-polls';
import { createMigratedDatabase } from '../../../test/support/temp-database';

/** Polls as `store|status|timestamp` strings, sorted, so expectations read like the data. */
function pollRows(window: ReportWindow): string[] {
  const polls = window.inputs.polls;
  const ids = Array.from(polls.column('store_id') as unknown as Iterable<string>);
  const active = polls.array('is_active') as Uint8Array;
  const times = polls.array('timestamp_us') as Float64Array;
  return ids.map((id, i) => `${id}|${active[i] ? 'active' : 'inactive'}|${times[i]}`).sort();
}

const us = (text: string) => parseTimestampUtc(text);
const row = ([store, status, time]: Poll) => `${store}|${status}|${us(time)}`;

describe('loadReportWindow', () => {
  let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase(databaseUrlFromEnv());
    ({ dataSource } = database);
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function replacePolls(polls: Poll[]): Promise<void> {
    await dataSource.query('TRUNCATE store_status, polled_stores');
    await insertPolls(dataSource, polls);
  }

  it('returns no polls and no now for an empty database', async () => {
    const window = await loadReportWindow(dataSource);
    expect(window.nowUs).toBeNull();
    expect(window.pollsRead).toBe(0);
    expect(window.inputs.polls.numRows()).toBe(0);
    expect(window.inputs.polls.columnNames()).toEqual(['store_id', 'is_active', 'timestamp_us']);
  });

  it('reads the week before the latest poll plus one carry-in poll per store, nothing older', async () => {
    const latest: Poll = ['b', 'active', '2023-01-25 18:13:22.47922 UTC'];
    const windowStart = '2023-01-18 18:13:22.47922 UTC';
    await replacePolls([
      latest,
      ['a', 'inactive', windowStart], // exactly now − 7 d: inside the window
      ['a', 'active', '2023-01-18 18:13:22.479219 UTC'], // 1 µs earlier: a's carry-in
      ['a', 'active', '2023-01-10 00:00:00 UTC'], // older: never needed
      ['b', 'inactive', '2023-01-01 00:00:00.1 UTC'], // b's carry-in, weeks back
      ['c', 'active', '2023-01-02 00:00:00 UTC'], // c has only old polls: carry-in only
      ['c', 'active', '2023-01-03 00:00:00 UTC'],
    ]);
    const window = await loadReportWindow(dataSource);
    expect(window.nowUs).toBe(us(latest[2]));
    expect(pollRows(window)).toEqual(
      [
        latest,
        ['a', 'inactive', windowStart],
        ['a', 'active', '2023-01-18 18:13:22.479219 UTC'],
        ['b', 'inactive', '2023-01-01 00:00:00.1 UTC'],
        ['c', 'active', '2023-01-03 00:00:00 UTC'],
      ].map((poll) => row(poll as Poll)).sort(),
    );
    expect(window.pollsRead).toBe(5);
  });

  it('cuts at asOf: later polls are left out, the window and carry-in move with it', async () => {
    await replacePolls([
      ['a', 'active', '2023-01-20 00:00:00 UTC'],
      ['a', 'inactive', '2023-01-12 00:00:00 UTC'], // carry-in for asOf 01-20
      ['a', 'active', '2023-01-11 00:00:00 UTC'],
      ['a', 'active', '2023-01-21 00:00:00 UTC'], // after asOf
      ['z', 'active', '2023-01-22 00:00:00 UTC'], // only after asOf
    ]);
    const asOf = new Date('2023-01-20T00:00:00Z');
    const window = await loadReportWindow(dataSource, { asOf });
    expect(window.nowUs).toBe(asOf.getTime() * 1000);
    expect(pollRows(window)).toEqual(
      [row(['a', 'active', '2023-01-20 00:00:00 UTC']), row(['a', 'inactive', '2023-01-12 00:00:00 UTC'])].sort(),
    );
  });

  it('takes the inactive poll as the carry-in when two share the latest timestamp', async () => {
    const time = '2023-01-01 12:00:00.000001 UTC';
    await replacePolls([
      ['a', 'active', time],
      ['a', 'inactive', time],
      ['a', 'active', '2023-01-20 00:00:00 UTC'],
      ['b', 'inactive', time],
      ['b', 'active', time],
      ['b', 'active', '2023-01-20 00:00:00 UTC'],
    ]);
    const window = await loadReportWindow(dataSource);
    expect(window.nowUs! - us(time)).toBeGreaterThan(7 * MICROS_PER_DAY);
    expect(pollRows(window).filter((poll) => poll.endsWith(`|${us(time)}`))).toEqual([
      row(['a', 'inactive', time]),
      row(['b', 'inactive', time]),
    ]);
  });

  it('keeps every timestamp exact to the microsecond, across the years', async () => {
    const times = ['1969-12-31 23:59:59.999999 UTC', '2000-01-01 00:00:00 UTC', '2023-01-25 18:13:22.47922 UTC', '2099-12-31 23:59:59.000001 UTC'];
    await replacePolls(times.map((time, i) => [`s${i}`, 'active', time]));
    const window = await loadReportWindow(dataSource, { asOf: new Date('2100-01-01T00:00:00Z') });
    expect(pollRows(window)).toEqual(times.map((time, i) => row([`s${i}`, 'active', time])).sort());
  });

  it('reads hours and time zones whole, from a pg Pool as well as a DataSource', async () => {
    await dataSource.query(`INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local)
      VALUES ('a', 0, '09:00:00', '17:30:00'), ('a', 6, '22:00:00', '02:00:00.5'), ('b', 3, '00:00:00', '23:59:59')`);
    await dataSource.query(`INSERT INTO store_timezones (store_id, timezone_str) VALUES ('a', 'America/Chicago'), ('b', 'Not/AZone')`);
    const pool = new Pool({ connectionString: database.url, max: 1 });
    try {
      const window = await loadReportWindow(pool);
      const hours = window.inputs.hours.objects() as Record<string, unknown>[];
      expect(hours.map((h) => [h.store_id, h.day_of_week, h.start_time_us, h.end_time_us]).sort()).toEqual(
        [
          ['a', 0, parseLocalTime('09:00:00'), parseLocalTime('17:30:00')],
          ['a', 6, parseLocalTime('22:00:00'), parseLocalTime('02:00:00.5')],
          ['b', 3, 0, parseLocalTime('23:59:59')],
        ].sort(),
      );
      expect(window.inputs.hours.column('day_of_week')).toBeInstanceOf(Uint8Array);
      expect(window.inputs.hours.column('start_time_us')).toBeInstanceOf(Float64Array);
      expect(window.inputs.timezones.objects()).toEqual(
        expect.arrayContaining([
          { store_id: 'a', timezone_str: 'America/Chicago' },
          { store_id: 'b', timezone_str: 'Not/AZone' },
        ]),
      );
    } finally {
      await pool.end();
    }
  });
});
