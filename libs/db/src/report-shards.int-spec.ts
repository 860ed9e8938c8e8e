import 'reflect-metadata';
import type { DataSource } from 'typeorm';
import { parseTimestampUtc } from '@store-uptime/uptime';
import { databaseUrlFromEnv } from './data-source-options';
import { planReportShards } from './report-shards';
import { loadReportWindow } from './report-window';
import { insertPolls, type PollRow } from '../../../test/support/insert-polls';
import { createMigratedDatabase } from '../../../test/support/temp-database';

/**
 * The shard plan and a shard's window on real PostgreSQL: ten stores whose ids sort differently
 * as numbers, as text and by case, one polled only after the as_of used below.
 */
const STORES = ['10', '9', '100', 'B', 'a', 'b', 'A', '0', 'Z', 'z'];
const LATE = 'late-store';
const LATEST = '2023-01-25 18:00:00.123456 UTC';

describe('planReportShards and a shard window', () => {
  let database: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createMigratedDatabase(databaseUrlFromEnv());
    ({ dataSource } = database);
    const polls: PollRow[] = STORES.flatMap((id) => [
      [id, 'active', '2023-01-20 10:00:00 UTC'],
      [id, 'inactive', '2023-01-10 10:00:00 UTC'],
    ]);
    polls.push([LATE, 'active', LATEST]);
    await insertPolls(dataSource, polls);
    await dataSource.query(
      `INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local) SELECT s, 0, '09:00', '17:00' FROM unnest($1::text[]) s`,
      [[...STORES, LATE]],
    );
    await dataSource.query(`INSERT INTO store_timezones (store_id, timezone_str) SELECT s, 'Asia/Kolkata' FROM unnest($1::text[]) s`, [[...STORES, LATE]]);
  });

  afterAll(async () => {
    await database?.drop();
  });

  const byteOrder = [...STORES, LATE].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

  it('fixes the fleet\'s now (the latest poll of all stores) and cuts every store into ranges of at most the given size, in byte order', async () => {
    const plan = await planReportShards(dataSource, { shardStores: 3 });
    expect(plan?.nowUs).toBe(parseTimestampUtc(LATEST));
    expect(plan?.stores).toBe(11);
    // Starts of the 2nd, 3rd and 4th range: the 4th, 7th and 10th store in byte order.
    expect(plan?.ranges).toEqual([
      { from: null, to: byteOrder[3] },
      { from: byteOrder[3], to: byteOrder[6] },
      { from: byteOrder[6], to: byteOrder[9] },
      { from: byteOrder[9], to: null },
    ]);
  });

  it('cuts the stores into as few ranges as the size allows, of equal size, not full ranges and a small remainder', async () => {
    // 11 stores by at most 5: three ranges of 4, 4 and 3 (not 5, 5 and 1).
    const plan = await planReportShards(dataSource, { shardStores: 5 });
    expect(plan?.ranges).toEqual([
      { from: null, to: byteOrder[4] },
      { from: byteOrder[4], to: byteOrder[8] },
      { from: byteOrder[8], to: null },
    ]);
    // By at most 10: two ranges of 6 and 5.
    const halves = await planReportShards(dataSource, { shardStores: 10 });
    expect(halves?.ranges).toEqual([
      { from: null, to: byteOrder[6] },
      { from: byteOrder[6], to: null },
    ]);
  });

  it('leaves a report unsharded when its stores fit one shard, counting only stores polled by as_of', async () => {
    await expect(planReportShards(dataSource, { shardStores: 11 })).resolves.toBeNull();
    // As of the day before, the late store is not in the report: 10 stores, which fit.
    await expect(planReportShards(dataSource, { asOf: new Date('2023-01-24T00:00:00Z'), shardStores: 10 })).resolves.toBeNull();
    const plan = await planReportShards(dataSource, { asOf: new Date('2023-01-24T00:00:00Z'), shardStores: 9 });
    expect(plan).toMatchObject({ nowUs: Date.parse('2023-01-24T00:00:00Z') * 1000, stores: 10 });
    expect(plan?.ranges).toHaveLength(2);
  });

  it('reads, for each range, exactly its stores: their polls, hours and zones, with the now it is given', async () => {
    const plan = (await planReportShards(dataSource, { shardStores: 4 }))!;
    const seen: string[] = [];
    for (const range of plan.ranges) {
      const window = await loadReportWindow(dataSource, { nowUs: plan.nowUs, stores: range });
      expect(window.nowUs).toBe(plan.nowUs);
      const polled = [...new Set(Array.from(window.inputs.polls.column('store_id') as unknown as Iterable<string>))];
      const hours = [...new Set(Array.from(window.inputs.hours.column('store_id') as unknown as Iterable<string>))];
      const zones = Array.from(window.inputs.timezones.column('store_id') as unknown as Iterable<string>);
      expect(hours.sort()).toEqual([...polled].sort());
      expect(zones.sort()).toEqual([...polled].sort());
      seen.push(...polled);
    }
    // Every store once, and the ranges in byte order one after the other.
    expect(seen).toEqual(byteOrder);
  });
});
