import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readHoursFile, readPollsFile, readTimezonesFile } from '@store-uptime/csv';
import {
  computeUptimeReport,
  hoursTable,
  pollsTable,
  timezonesTable,
  type UptimeInputs,
  UPTIME_METHODS,
} from '@store-uptime/uptime';
import { databaseUrlFromEnv } from './data-source-options';
import { ingestFiles } from './ingest/ingest';
import { loadReportWindow } from './report-window';
import { createMigratedDatabase } from '../../../test/support/temp-database';

/**
 * A report computed from the database (ingest, then the window loader) equals
 * the report the CSV command computes from the same files, for both methods, with and without
 * asOf. The loader reads only the week and one carry-in poll per store, so this also checks that
 * nothing the engine needs is left out.
 */

const FIXTURES = join(__dirname, '../../../test/fixtures/db');
const fixture = (name: string) => join(FIXTURES, name);

const DATASETS = [
  {
    name: '2023 (two poll files appended, hours with "day")',
    polls: [fixture('2023/store_status.csv.gz'), fixture('2023/store_status_alt.csv')],
    hours: fixture('2023/menu_hours.csv.gz'),
    timezones: fixture('2023/timezones.csv.gz'),
    // The latest poll; a time inside the 37 h hole of 2023-01-23; an asOf that leaves most polls
    // as carry-ins.
    asOfs: [undefined, '2023-01-23T12:00:00Z', '2023-01-19T06:30:00.5Z'],
  },
  {
    name: '2024 (BOM, "dayOfWeek", polls on three dates weeks apart)',
    polls: [fixture('2024/store_status.csv')],
    hours: fixture('2024/menu_hours.csv.gz'),
    timezones: fixture('2024/timezones.csv'),
    asOfs: [undefined, '2024-09-28T00:00:00Z', '2024-10-03T23:40:00Z', '2024-12-01T00:00:00Z'],
  },
];

async function inputsFromCsv(dataset: { polls: string[]; hours: string; timezones: string }): Promise<UptimeInputs> {
  const polls = await Promise.all(dataset.polls.map(async (path) => pollsTable((await readPollsFile(path)).columns)));
  return {
    polls: polls.reduce((all, table) => all.concat(table)),
    hours: hoursTable((await readHoursFile(dataset.hours)).columns),
    timezones: timezonesTable((await readTimezonesFile(dataset.timezones)).columns),
  };
}

/**
 * Three weeks of dense random polls for 60 stores, written as CSV files: many polls per store,
 * so the week cut, the carry-in and the tie rule (equal timestamps, opposite statuses) are
 * exercised far more than by the slices of the real files.
 */
async function writeDenseDataset(directory: string) {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const start = Date.UTC(2024, 2, 1); // three weeks, across the US spring-forward of 2024-03-10
  const end = Date.UTC(2024, 2, 22);
  const stamp = (ms: number, micros: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}.${String(micros).padStart(6, '0')} UTC`;
  const polls = ['store_id,status,timestamp_utc'];
  const hours = ['store_id,dayOfWeek,start_time_local,end_time_local'];
  const zones = ['store_id,timezone_str'];
  const zoneNames = ['America/Chicago', 'America/New_York', 'America/Los_Angeles', 'Asia/Kolkata', 'Not/AZone'];
  for (let s = 0; s < 60; s++) {
    const store = `store-${String(s).padStart(3, '0')}`;
    for (let t = start + random() * 3_600_000; t < end; t += 1_200_000 + random() * 6_000_000) {
      const micros = Math.floor(random() * 1_000_000);
      const status = random() < 0.25 ? 'inactive' : 'active';
      polls.push(`${store},${status},${stamp(t, micros)}`);
      // Now and then a second poll at the same microsecond with the other status: a tie.
      if (random() < 0.03) polls.push(`${store},${status === 'active' ? 'inactive' : 'active'},${stamp(t, micros)}`);
    }
    if (s % 6 !== 0) zones.push(`${store},${zoneNames[s % zoneNames.length]}`);
    if (s % 4 === 0) continue; // no hours: open 24x7
    for (let day = 0; day < 7; day++) {
      if (random() < 0.15) continue; // closed that day
      const open = Math.floor(random() * 12);
      const close = (open + 4 + Math.floor(random() * 16)) % 24; // sometimes past midnight
      hours.push(`${store},${day},${String(open).padStart(2, '0')}:00:00,${String(close).padStart(2, '0')}:30:00`);
    }
  }
  const paths = { polls: join(directory, 'polls.csv'), hours: join(directory, 'hours.csv'), timezones: join(directory, 'zones.csv') };
  await writeFile(paths.polls, polls.join('\n'));
  await writeFile(paths.hours, hours.join('\n'));
  await writeFile(paths.timezones, zones.join('\n'));
  return paths;
}

describe('the report from the database equals the report from the CSV files: three weeks of dense random polls', () => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let directory: string;
  let fromCsv: UptimeInputs;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'dense-polls-'));
    const paths = await writeDenseDataset(directory);
    db = await createMigratedDatabase(databaseUrlFromEnv());
    await ingestFiles(db.dataSource, paths);
    fromCsv = await inputsFromCsv({ polls: [paths.polls], hours: paths.hours, timezones: paths.timezones });
  });

  afterAll(async () => {
    await db?.drop();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  const asOfs = [undefined, '2024-03-21T00:00:00Z', '2024-03-14T17:45:12.345Z', '2024-03-10T09:00:00Z', '2024-03-02T00:00:00Z'];
  const cases = asOfs.flatMap((asOf) => UPTIME_METHODS.map((method) => [asOf ?? 'the latest poll', method, asOf] as const));

  it.each(cases)('as of %s, %s', async (_label, method, asOfText) => {
    const asOf = asOfText === undefined ? undefined : new Date(asOfText);
    const window = await loadReportWindow(db.dataSource, asOf ? { asOf } : {});
    const options = { method, ...(asOf ? { asOf } : {}) };
    const expected = computeUptimeReport(fromCsv, options);
    expect(computeUptimeReport(window.inputs, options).table.objects()).toEqual(expected.table.objects());
    expect(expected.stats.stores).toBe(60);
    // The week and one carry-in per store, not three weeks.
    if (asOfText !== '2024-03-02T00:00:00Z') expect(window.pollsRead).toBeLessThan(fromCsv.polls.numRows() * 0.5);
  });
});

describe.each(DATASETS)('the report from the database equals the report from the CSV files: $name', (dataset) => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let fromCsv: UptimeInputs;

  beforeAll(async () => {
    db = await createMigratedDatabase(databaseUrlFromEnv());
    const [first, ...rest] = dataset.polls;
    await ingestFiles(db.dataSource, { polls: first, hours: dataset.hours, timezones: dataset.timezones });
    for (const polls of rest) await ingestFiles(db.dataSource, { polls });
    fromCsv = await inputsFromCsv(dataset);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const cases = dataset.asOfs.flatMap((asOf) => UPTIME_METHODS.map((method) => [asOf ?? 'the latest poll', method, asOf] as const));

  it.each(cases)('as of %s, %s', async (_label, method, asOfText) => {
    const asOf = asOfText === undefined ? undefined : new Date(asOfText);
    const options = { method, ...(asOf ? { asOf } : {}) };
    const window = await loadReportWindow(db.dataSource, asOf ? { asOf } : {});
    const fromDatabase = computeUptimeReport(window.inputs, options);
    const expected = computeUptimeReport(fromCsv, options);

    expect(window.nowUs).toBe(expected.nowUs);
    expect(fromDatabase.nowUs).toBe(expected.nowUs);
    expect(fromDatabase.stats.stores).toBe(expected.stats.stores);
    expect(fromDatabase.stats.stores).toBeGreaterThan(20);
    expect(fromDatabase.table.objects()).toEqual(expected.table.objects());
    // The loader read at most what the engine would keep, never the whole file.
    expect(window.pollsRead).toBeLessThanOrEqual(fromCsv.polls.numRows());
  });
});
