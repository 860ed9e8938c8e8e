import {
  hoursTable,
  MICROS_PER_HOUR,
  pollsTable,
  REPORT_WINDOW_US,
  timezonesTable,
  type UptimeInputs,
} from '@store-uptime/uptime';
import { type PgSource, withPgClient } from './pg-source';

/**
 * The store window loader: what one store's row of a report needs, read from PostgreSQL into the
 * Arquero tables `computeStoreUptime` takes. The same slice as the report's window loader
 * (report-window.ts) for one store: its polls in `[now − 7 d, now]` and its carry-in poll (two
 * range reads of the primary key `(store_id, timestamp_utc, id) INCLUDE (status)`), its hours and
 * zone rows (indexed by store_id), and the report's `now`.
 */

export interface StoreWindowOptions {
  /** The report's `now`; default: the latest poll of all stores, as a report without as_of uses. */
  asOf?: Date;
}

export interface StoreWindow {
  /** Only this store's rows. */
  inputs: UptimeInputs;
  /** The `now` the window was cut at (epoch µs); null when there is no poll at all and no asOf. */
  nowUs: number | null;
}

/**
 * One statement, so one round trip and one snapshot: polls, hours and zones are seen as of the
 * same moment (a statement that waits for `ingest --replace`'s lock sees the new data, as its
 * snapshot is taken after the lock). Instants and times of day come back as integer microseconds.
 * The week is `make_interval(hours => …)`: an interval in days would follow the session's time zone
 * across a DST change.
 */
const STORE_WINDOW_SQL = `
  WITH frame AS (
    SELECT coalesce($2::timestamptz, (SELECT max(timestamp_utc) FROM store_status)) AS now_at
  ), bounds AS (
    SELECT now_at, now_at - make_interval(hours => $3::int) AS week_start FROM frame
  )
  SELECT (extract(epoch FROM b.now_at) * 1000000)::bigint AS now_us,
         w.times, w.active, c.time AS carry_time, c.active AS carry_active,
         h.days, h.starts, h.ends, z.zones
    FROM bounds b
   CROSS JOIN LATERAL (
     SELECT array_agg((extract(epoch FROM p.timestamp_utc) * 1000000)::bigint) AS times,
            array_agg(p.status = 'active') AS active
       FROM store_status p
      WHERE p.store_id = $1 AND p.timestamp_utc >= b.week_start AND p.timestamp_utc <= b.now_at
   ) w
    LEFT JOIN LATERAL (
     SELECT (extract(epoch FROM p.timestamp_utc) * 1000000)::bigint AS time, p.status = 'active' AS active
       FROM store_status p
      WHERE p.store_id = $1 AND p.timestamp_utc < b.week_start
      ORDER BY p.timestamp_utc DESC, (p.status = 'inactive') DESC
      LIMIT 1
   ) c ON true
   CROSS JOIN LATERAL (
     SELECT array_agg(day_of_week) AS days,
            array_agg((extract(epoch FROM start_time_local) * 1000000)::bigint) AS starts,
            array_agg((extract(epoch FROM end_time_local) * 1000000)::bigint) AS ends
       FROM business_hours WHERE store_id = $1
   ) h
   CROSS JOIN LATERAL (SELECT array_agg(timezone_str) AS zones FROM store_timezones WHERE store_id = $1) z`;

interface StoreWindowRow {
  now_us: string | null;
  times: string[] | null;
  active: boolean[] | null;
  carry_time: string | null;
  carry_active: boolean | null;
  days: number[] | null;
  starts: string[] | null;
  ends: string[] | null;
  zones: string[] | null;
}

const WEEK_HOURS = REPORT_WINDOW_US / MICROS_PER_HOUR;

export async function loadStoreWindow(source: PgSource, storeId: string, options: StoreWindowOptions = {}): Promise<StoreWindow> {
  const asOf = options.asOf ? instantLiteral(options.asOf) : null;
  const row = await withPgClient(source, async (client) => {
    // Named: each pooled connection parses and plans it once.
    const result = await client.query<StoreWindowRow>({ name: 'store-window', text: STORE_WINDOW_SQL, values: [storeId, asOf, WEEK_HOURS] });
    return result.rows[0];
  });
  const nowUs = row?.now_us == null ? null : Number(row.now_us);
  const times = (row?.times ?? []).map(Number);
  const active = row?.active ?? [];
  if (row?.carry_time != null) {
    times.push(Number(row.carry_time));
    active.push(row.carry_active === true);
  }
  const days = row?.days ?? [];
  const zones = row?.zones ?? [];
  return {
    nowUs,
    inputs: {
      polls: pollsTable({
        store_id: times.map(() => storeId),
        is_active: Uint8Array.from(active, (value) => (value ? 1 : 0)),
        timestamp_us: Float64Array.from(times),
      }),
      hours: hoursTable({
        store_id: days.map(() => storeId),
        day_of_week: Uint8Array.from(days),
        start_time_us: Float64Array.from(row?.starts ?? [], Number),
        end_time_us: Float64Array.from(row?.ends ?? [], Number),
      }),
      timezones: timezonesTable({ store_id: zones.map(() => storeId), timezone_str: zones }),
    },
  };
}

/** A Date as a timestamptz parameter; an invalid one is the caller's bug, not a query error. */
function instantLiteral(date: Date): string {
  if (!Number.isFinite(date.getTime())) throw new RangeError('asOf is not a valid date');
  return date.toISOString();
}
