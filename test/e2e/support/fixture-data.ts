import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Pool } from 'pg';
import { readHoursFile, readPollsFile, readTimezonesFile } from '@store-uptime/csv';
import { formatInstant } from '@store-uptime/uptime';
import { insertPolls } from '../../support/insert-polls';
import { oracleReportCsv, rowsByHeader, type OracleMethod } from '../../support/uptime-oracle';

/**
 * The committed fixture (8 stores, 9 days of polls, a few bad rows, overnight and 24 h hours,
 * a missing and an invalid zone). It enters the database through the project's CSV readers, as
 * ingested data would; the expected report comes from the oracle, which reads the text itself.
 */
const FIXTURE_DIR = join(__dirname, '..', 'fixtures');

async function readFixture() {
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
  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const storeIds = Array.from(polls.store_id);
    await insertPolls(
      pool,
      storeIds.map((id, i) => [id, polls.is_active[i] ? 'active' : 'inactive', formatInstant(polls.timestamp_us[i])]),
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
    await pool.end();
  }
}

/** The fixture files as text rows, for the oracle. */
function fixtureRows(name: string, columns: string[]): string[][] {
  return rowsByHeader(readFileSync(join(FIXTURE_DIR, name), 'utf8'), columns);
}

/**
 * The report CSV the service must produce from the fixture, derived by test/support/uptime-oracle.ts
 * (a naive reading of the spec that shares no code with the engine, the readers or the writer),
 * not by the engine itself.
 */
export function expectedReportCsv(options: { asOf?: Date; method?: OracleMethod } = {}): string {
  const inputs = {
    polls: fixtureRows('polls.csv', ['store_id', 'status', 'timestamp_utc']),
    hours: fixtureRows('menu_hours.csv', ['store_id', 'dayOfWeek|day', 'start_time_local', 'end_time_local']),
    zones: fixtureRows('timezones.csv', ['store_id', 'timezone_str']),
  };
  return oracleReportCsv(inputs, { method: options.method, ...(options.asOf ? { nowUs: options.asOf.getTime() * 1000 } : {}) });
}
