import { Client } from 'pg';
import type { RandomStores } from './random-stores';

/** Random stores' business hours and zones into a migrated database (their polls go in through insert-polls.ts). */
export async function insertStoreHoursAndZones(url: string, stores: RandomStores): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local) SELECT * FROM unnest($1::text[], $2::smallint[], $3::time[], $4::time[])`,
      [stores.hours.map((h) => h[0]), stores.hours.map((h) => Number(h[1])), stores.hours.map((h) => h[2]), stores.hours.map((h) => h[3])],
    );
    await client.query(`INSERT INTO store_timezones (store_id, timezone_str) SELECT * FROM unnest($1::text[], $2::text[])`, [
      stores.zones.map((z) => z[0]),
      stores.zones.map((z) => z[1]),
    ]);
  } finally {
    await client.end();
  }
}
