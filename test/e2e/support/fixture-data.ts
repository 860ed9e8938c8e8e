import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import { readHoursFile, readPollsFile, readTimezonesFile, writeReportCsv } from '@store-uptime/csv';
import { computeUptimeReport, formatInstant, hoursTable, pollsTable, timezonesTable, type UptimeMethod } from '@store-uptime/uptime';

/**
 * The committed fixture (8 stores, 9 days of polls, a few bad rows, overnight and 24 h hours,
 * a missing and an invalid zone), read with the project's own CSV readers so the database and
 * the expected report see exactly the same rows.
 */
export const FIXTURE_DIR = join(__dirname, '..', 'fixtures');

export async function readFixture() {
  const [polls, hours, timezones] = await Promise.all([
    readPollsFile(join(FIXTURE_DIR, 'polls.csv')),
    readHoursFile(join(FIXTURE_DIR, 'menu_hours.csv')),
    readTimezonesFile(join(FIXTURE_DIR, 'timezones.csv')),
  ]);
  return { polls: polls.columns, hours: hours.columns, timezones: timezones.columns };
}

function localTime(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const hh = String(Math.floor(seconds / 3600)).padStart(2, '0');
  const mm = String(Math.floor((seconds % 3600) / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  return `${hh}:${mm}:${ss}`;
}

/** Loads the fixture into a migrated database (a handful of array INSERTs; ingest is libs/db's job). */
export async function loadFixture(databaseUrl: string): Promise<void> {
  const { polls, hours, timezones } = await readFixture();
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO store_status (store_id, status, timestamp_utc)
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])`,
      [Array.from(polls.store_id), Array.from(polls.is_active, (a) => (a ? 'active' : 'inactive')), Array.from(polls.timestamp_us, formatInstant)],
    );
    await client.query(
      `INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local)
       SELECT * FROM unnest($1::text[], $2::smallint[], $3::time[], $4::time[])`,
      [hours.store_id, Array.from(hours.day_of_week), Array.from(hours.start_time_us, localTime), Array.from(hours.end_time_us, localTime)],
    );
    await client.query(
      `INSERT INTO store_timezones (store_id, timezone_str) SELECT * FROM unnest($1::text[], $2::text[])`,
      [timezones.store_id, timezones.timezone_str],
    );
  } finally {
    await client.end();
  }
}

/** The report CSV the engine computes directly from the fixture files (the e2e oracle). */
export async function expectedReportCsv(options: { asOf?: Date; method?: UptimeMethod } = {}): Promise<string> {
  const { polls, hours, timezones } = await readFixture();
  const report = computeUptimeReport(
    { polls: pollsTable(polls), hours: hoursTable(hours), timezones: timezonesTable(timezones) },
    options,
  );
  const chunks: Buffer[] = [];
  await writeReportCsv(
    report.table,
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        chunks.push(Buffer.from(chunk));
        callback();
      },
    }),
  );
  return Buffer.concat(chunks).toString('utf8');
}
