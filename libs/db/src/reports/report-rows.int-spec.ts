import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { REPORT_VALUE_COLUMNS, Utf8Column, type ReportArrays } from '@store-uptime/uptime';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from '../data-source-options';
import { migrateUp } from '../migrate';
import { ReportRowsRepository, type ReportRow, type ReportRowsQuery } from './report-rows';
import { createTempDatabase, type TempDatabase } from '../../../../test/support/temp-database';

const REPORT = '0123456789abcdef0123456789abcdef';
const OTHER = 'fedcba9876543210fedcba9876543210';

/** A report of `count` stores with values that tie often (the keyset's tie-break is exercised). */
function report(storeIds: string[], value: (store: number, column: number) => number): ReportArrays {
  const values = Object.fromEntries(
    REPORT_VALUE_COLUMNS.map((name, column) => [name, Float64Array.from(storeIds, (_id, store) => value(store, column))]),
  ) as ReportArrays['values'];
  const ids = Utf8Column.from(storeIds);
  return { storeIds: { bytes: ids.bytes, offsets: ids.offsets }, values };
}

const storeIds = Array.from({ length: 250 }, (_v, i) => `store-${String(i).padStart(4, '0')}`);
const sample = report(storeIds, (store, column) => ((store * 7 + column * 13) % 10) + 1 / 3);

async function all(rows: ReportRowsRepository, id: string): Promise<ReportRow[]> {
  const read: ReportRow[] = [];
  await rows.stream(id, async (batch) => void read.push(...batch));
  return read;
}

async function everyPage(rows: ReportRowsRepository, query: Omit<ReportRowsQuery, 'after'>): Promise<{ rows: ReportRow[]; pages: number }> {
  const read: ReportRow[] = [];
  let after: ReportRowsQuery['after'] = null;
  let pages = 0;
  do {
    const page = await rows.page(REPORT, { ...query, after });
    read.push(...page.rows);
    after = page.next;
    pages++;
  } while (after);
  return { rows: read, pages };
}

describe('ReportRowsRepository', () => {
  let database: TempDatabase;
  let dataSource: DataSource;
  let rows: ReportRowsRepository;

  beforeAll(async () => {
    database = await createTempDatabase(databaseUrlFromEnv());
    dataSource = await new DataSource(dataSourceOptionsFromUrl(database.url)).initialize();
    await migrateUp(dataSource);
    rows = new ReportRowsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('writes every row with the numbers rounded as the CSV prints them, read back in store order', async () => {
    expect(await rows.replace(REPORT, sample)).toBe(250);
    const read = await all(rows, REPORT);
    expect(read.map((row) => row.store_id)).toEqual(storeIds);
    expect(read[1]).toEqual({
      store_id: 'store-0001',
      uptime_last_hour: 7.33,
      uptime_last_day: 0.33,
      uptime_last_week: 3.33,
      downtime_last_hour: 6.33,
      downtime_last_day: 9.33,
      downtime_last_week: 2.33,
    });
  });

  it('replaces the rows of a retried attempt instead of adding to them, and leaves other reports alone', async () => {
    await rows.replace(OTHER, report(['x'], () => 5));
    const retried = report(storeIds.slice(0, 100), () => 1);
    await rows.replace(REPORT, retried);
    const read = await all(rows, REPORT);
    expect(read).toHaveLength(100);
    expect(read.every((row) => row.uptime_last_week === 1)).toBe(true);
    expect(await all(rows, OTHER)).toEqual([{ store_id: 'x', uptime_last_hour: 5, uptime_last_day: 5, uptime_last_week: 5, downtime_last_hour: 5, downtime_last_day: 5, downtime_last_week: 5 }]);
    await rows.replace(REPORT, sample);
  });

  it('lets two simultaneous attempts of one report take turns: the rows of one of them, never both, never an error', async () => {
    // Big enough that the COPYs overlap (without turns, all but one fail on the primary key).
    const many = Array.from({ length: 20_000 }, (_v, i) => `store-${String(i).padStart(5, '0')}`);
    const attempts = [1, 2, 3, 4].map((value) => report(many, () => value));
    await expect(Promise.all(attempts.map((attempt) => rows.replace(REPORT, attempt)))).resolves.toEqual([20_000, 20_000, 20_000, 20_000]);
    const read = await all(rows, REPORT);
    expect(read).toHaveLength(20_000);
    expect(new Set(read.map((row) => row.uptime_last_day)).size).toBe(1);
    await rows.replace(REPORT, sample);
  });

  it('replaces one store range of a report (a shard) and keeps the rest', async () => {
    const shard = storeIds.slice(100, 200);
    await rows.replace(REPORT, report(shard, () => 99), { from: 'store-0100', to: 'store-0200' });
    const read = await all(rows, REPORT);
    expect(read.map((row) => row.store_id)).toEqual(storeIds);
    expect(read.filter((row) => row.uptime_last_hour === 99).map((row) => row.store_id)).toEqual(shard);
    await expect(rows.replace(REPORT, report(['store-0300'], () => 1), { from: 'store-0100', to: 'store-0200' })).rejects.toThrow('outside the store range');
    await rows.replace(REPORT, sample);
  });

  it.each([
    ['store_id', 'asc'],
    ['store_id', 'desc'],
    ['downtime_last_week', 'desc'],
    ['uptime_last_hour', 'asc'],
  ] as const)('pages by %s %s through every row exactly once, in order, ties broken by store id', async (sort, order) => {
    const { rows: read, pages } = await everyPage(rows, { sort, order, limit: 30 });
    expect(pages).toBe(9);
    const expected = (await all(rows, REPORT)).sort((a, b) => {
      const byValue = sort === 'store_id' ? 0 : a[sort] - b[sort];
      const byId = a.store_id < b.store_id ? -1 : 1;
      return (order === 'asc' ? 1 : -1) * (byValue || byId);
    });
    expect(read).toEqual(expected);
  });

  it('filters by store ids and by bounds on the numbers, inclusive', async () => {
    const { rows: read } = await everyPage(rows, {
      sort: 'store_id',
      order: 'asc',
      limit: 7,
      bounds: { downtime_last_week: { min: 5.33 }, uptime_last_hour: { max: 3.33 } },
    });
    const expected = (await all(rows, REPORT)).filter((row) => row.downtime_last_week >= 5.33 && row.uptime_last_hour <= 3.33);
    expect(expected.length).toBeGreaterThan(5);
    expect(read).toEqual(expected);
    const chosen = await rows.page(REPORT, { sort: 'store_id', order: 'desc', limit: 10, storeIds: ['store-0003', 'store-0042', 'nope'] });
    expect(chosen).toEqual({ rows: [expect.objectContaining({ store_id: 'store-0042' }), expect.objectContaining({ store_id: 'store-0003' })], next: null });
  });

  it('deletes every row of a report', async () => {
    expect(await rows.remove(REPORT)).toBe(250);
    expect(await all(rows, REPORT)).toEqual([]);
    expect(await all(rows, OTHER)).toHaveLength(1);
  });
});
