import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import {
  formatInstant,
  hoursTable,
  EncodedPollColumnsBuilder,
  type PollColumns,
  pollsTable,
  REPORT_WINDOW_US,
  timezonesTable,
  type UptimeInputs,
} from '@store-uptime/uptime';
import { ByteStringInterner } from '@store-uptime/csv';
import { BinaryCopyDecoder, type BinaryRowHandler, readInt64, readTimestampUs } from './copy-binary';
import { INPUT_TABLES_IN_LOCK_ORDER } from './ingest/input-tables';
import { type PgSource, withPgClient } from './pg-source';

/**
 * The window loader: everything one report needs, read from PostgreSQL straight
 * into the Arquero tables `computeUptimeReport` takes.
 *
 * Only the slice the spec needs (docs/uptime-spec.md, "Which polls count") is read: the polls in
 * `[now − 7 d, now]` plus, per store, the latest poll before `now − 7 d` (the carry-in); the
 * engine's REPORT_WINDOW_US is the 7 d. Both are index range reads, so the cost follows the size
 * of the week, not of the whole history.
 */

export interface ReportWindowOptions {
  /** The report's `now`; default: the latest poll in the table. */
  asOf?: Date;
  /** The same in epoch µs (a shard gets the fleet's `now`, to the microsecond); wins over asOf. */
  nowUs?: number;
  /** Only these stores (a shard of a fanned-out report); default: every store. */
  stores?: StoreRange;
}

/**
 * A contiguous range of store ids in byte order (`COLLATE "C"`): `from` included, `to` excluded,
 * null for an open end. Byte order is the order of code points, which is the report's order
 * (UTF-16 code units) for every id without characters past U+FFFF, so the parts of a fanned-out
 * report, each sorted by the engine, follow one another in the report's order.
 */
export interface StoreRange {
  from: string | null;
  to: string | null;
}

export interface ReportWindow {
  inputs: UptimeInputs;
  /** The `now` the window was cut at (epoch µs): asOf, or the latest poll; null when there are no polls. */
  nowUs: number | null;
  /** Polls loaded: window polls plus carry-in polls. */
  pollsRead: number;
}

/**
 * Tables the loader reads, locked together so a concurrent `ingest --replace` is seen whole or not
 * at all, in the one order every transaction that locks several of them uses (no deadlock cycle).
 */
const LOCKED_TABLES = INPUT_TABLES_IN_LOCK_ORDER.join(', ');
const LOCK_TIMEOUT = '2min';

/**
 * How the window read runs (inside its transaction). Without JIT: the read is index range scans
 * feeding two aggregates, which compiled code does not speed up, while the planner's cost, which
 * grows with the weekly partitions the carry-in may reach, crosses jit_above_cost: with 52 weeks
 * of history PostgreSQL spent ~0.4 s compiling the plan's expressions before the first row, as
 * long as the 1-week read itself (bench:db, 1× fleet: 0.79–0.96 s with JIT, 0.41–0.42 s without).
 */
export const REPORT_WINDOW_SESSION_SQL = 'SET LOCAL jit = off';

export async function loadReportWindow(source: PgSource, options: ReportWindowOptions = {}): Promise<ReportWindow> {
  return withPgClient(source, async (client) => {
    // One snapshot for all reads, so polls, hours and zones come from the same moment. The lock is
    // taken before the snapshot (i.e. before the first SELECT): `ingest --replace` TRUNCATEs under
    // ACCESS EXCLUSIVE, and TRUNCATE is not MVCC-safe, so a snapshot taken before its commit would
    // see an empty table. Waiting for the lock first means we see the old data or the new.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    try {
      // A replace holds its exclusive lock for seconds; a lock held far longer means something is
      // stuck, and failing (so the job is retried later) beats a report that never ends.
      await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
      await client.query(REPORT_WINDOW_SESSION_SQL);
      await client.query(`LOCK TABLE ${LOCKED_TABLES} IN ACCESS SHARE MODE`);
      const nowUs = options.nowUs ?? (options.asOf ? dateToMicros(options.asOf) : await latestPollUs(client));
      const range = options.stores ?? { from: null, to: null };
      // One dictionary of store ids for all three tables: polls carry its codes, and hours and
      // zones share its string instances.
      const stores = new ByteStringInterner();
      const polls = nowUs === null ? new EncodedPollColumnsBuilder().build([]) : await readPolls(client, nowUs, range, stores);
      const hours = await readHours(client, range, stores);
      const timezones = await readTimezones(client, range, stores);
      await client.query('COMMIT');
      return {
        inputs: { polls: pollsTable(polls), hours: hoursTable(hours), timezones: timezonesTable(timezones) },
        nowUs,
        pollsRead: polls.timestamp_us.length,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

function dateToMicros(date: Date): number {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('asOf is not a valid date');
  return ms * 1000;
}

/** max(timestamp_utc) through the time index; numeric → text keeps the microseconds exact. */
export async function latestPollUs(client: Pick<PoolClient, 'query'>): Promise<number | null> {
  const result = await client.query<{ now_us: string | null }>(
    `SELECT (extract(epoch FROM max(timestamp_utc)) * 1000000)::bigint::text AS now_us FROM store_status`,
  );
  const text = result.rows[0]?.now_us;
  return text == null ? null : Number(text);
}

/** A timestamptz literal for SQL text; COPY takes no bind parameters. formatInstant yields only [0-9T:.Z-]. */
function timestampLiteral(micros: number): string {
  return `'${formatInstant(micros)}'::timestamptz`;
}

/**
 * The window polls and the carry-in poll of every store, one row per store:
 * `store_id, active_times[], inactive_times[], carry_is_active, carry_timestamp_utc`: the
 * timestamps of the store's window polls split by status, and its carry-in poll (NULL when the
 * store has none of these).
 *
 * The stores are those of `polled_stores` whose first poll is at or before `now` (the spec's
 * reported stores; ingest keeps that list, see PolledStoreEntity): one scan of a small table,
 * whereas finding the distinct stores of store_status itself costs an index descent per store in
 * every weekly partition, so it would grow with the history. For each store, two index-only range
 * scans of the primary key: the polls inside `[now − 7 d, now]`, and the latest poll before the
 * window (the carry-in; at equal timestamps `inactive` counts as the later one, spec "Which polls
 * count"). The bounds are literals, so the planner prunes the window scan to the (at most two)
 * weeks it overlaps and the carry-in scan to the weeks before it, which it reads newest first and
 * stops in the first that has a poll of the store. So the work is a few descents per store plus
 * the window's own rows, however long the history, and the heap is never visited (INCLUDE (status)).
 *
 * One row per store with arrays, rather than one row per poll, because sending the store id and
 * status with every poll made PostgreSQL's output (and our decoding) the larger part of the read:
 * a poll now costs 12 bytes (a timestamptz array element) instead of 42.
 */
export function reportWindowPollsSql(nowUs: number, range: StoreRange = { from: null, to: null }): string {
  const start = timestampLiteral(nowUs - REPORT_WINDOW_US);
  const end = timestampLiteral(nowUs);
  return `
    SELECT s.store_id, w.active_times, w.inactive_times, carry.is_active, carry.timestamp_utc
      FROM polled_stores s
     CROSS JOIN LATERAL (
       SELECT array_agg(p.timestamp_utc) FILTER (WHERE p.status = 'active') AS active_times,
              array_agg(p.timestamp_utc) FILTER (WHERE p.status = 'inactive') AS inactive_times
         FROM store_status p
        WHERE p.store_id = s.store_id AND p.timestamp_utc >= ${start} AND p.timestamp_utc <= ${end}
     ) w
      LEFT JOIN LATERAL (
       SELECT p.status = 'active' AS is_active, p.timestamp_utc
         FROM store_status p
        WHERE p.store_id = s.store_id AND p.timestamp_utc < ${start}
        ORDER BY p.timestamp_utc DESC, (p.status = 'inactive') DESC
        LIMIT 1
     ) carry ON true
     WHERE s.first_poll_utc <= ${end}${storeRangeSql('s.store_id', range)}
     ORDER BY s.store_id`;
}

/**
 * The range as SQL conditions (`AND …`), empty for every store. COPY takes no bind parameters, so
 * the ids are quoted literals (doubled quotes; standard_conforming_strings is on since PostgreSQL 9.1).
 */
function storeRangeSql(column: string, range: StoreRange): string {
  const literal = (id: string) => `'${id.replaceAll("'", "''")}' COLLATE "C"`;
  return (
    (range.from === null ? '' : ` AND ${column} COLLATE "C" >= ${literal(range.from)}`) +
    (range.to === null ? '' : ` AND ${column} COLLATE "C" < ${literal(range.to)}`)
  );
}

/**
 * Rows of `table` (hours or zones) for the stores of `range`: a range read of the table's
 * `store_id` index (the column is `COLLATE "C"`, like the range; business hours' index covers the
 * row, migration 1795800000070, so that read never visits the table). Every row of the table falls
 * in exactly one range, as the unsharded read takes them all: stores without polls are never
 * reported, so their rows change nothing either way.
 */
function storeRowsSql(columns: string, table: string, range: StoreRange): string {
  if (range.from === null && range.to === null) return `SELECT ${columns} FROM ${table}`;
  return `SELECT ${columns} FROM ${table} WHERE true${storeRangeSql('store_id', range)}`;
}

/** Store ids become dictionary codes (the engine groups by them); the dictionary is shared with hours and zones. */
async function readPolls(client: PoolClient, nowUs: number, range: StoreRange, stores: ByteStringInterner): Promise<PollColumns> {
  const polls = new EncodedPollColumnsBuilder();
  await copyBinary(client, reportWindowPollsSql(nowUs, range), 5, (buffer, starts, lengths) => {
    if (lengths[1] < 0 && lengths[2] < 0 && lengths[3] < 0) return; // polls only after now: nothing to read
    const store = stores.codeOf(buffer, starts[0], starts[0] + lengths[0]);
    if (lengths[3] >= 0) polls.push(store, buffer[starts[3]], readTimestampUs(buffer, starts[4]));
    if (lengths[1] >= 0) pushTimestampArray(polls, store, 1, buffer, starts[1]);
    if (lengths[2] >= 0) pushTimestampArray(polls, store, 0, buffer, starts[2]);
  });
  // Only the dictionary built so far: every code pushed is in it, and its entries are distinct.
  return polls.build(stores.strings.slice());
}

/** A binary one-dimensional array: ndim, has-nulls flag, element type, then length and lower bound. */
const ARRAY_HEADER_BYTES = 20;

/** Pushes one poll per element of a binary `timestamptz[]` (no NULLs: array_agg of a NOT NULL column). */
function pushTimestampArray(polls: EncodedPollColumnsBuilder, store: number, isActive: number, buffer: Buffer, start: number): void {
  if (buffer.readInt32BE(start) !== 1 || buffer.readInt32BE(start + 4) !== 0) throw new Error('window read: unexpected array layout');
  const count = buffer.readInt32BE(start + 12);
  // Each element is its length word (always 8) and the int64.
  for (let i = 0, at = start + ARRAY_HEADER_BYTES + 4; i < count; i++, at += 12) {
    polls.push(store, isActive, readTimestampUs(buffer, at));
  }
}

async function readHours(client: PoolClient, range: StoreRange, stores: ByteStringInterner) {
  const storeIds: string[] = [];
  const days: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  await copyBinary(
    client,
    storeRowsSql('store_id, day_of_week, start_time_local, end_time_local', 'business_hours', range),
    4,
    (buffer, fieldStarts, lengths) => {
      storeIds.push(intern(stores, buffer, fieldStarts[0], lengths[0]));
      days.push(buffer.readInt16BE(fieldStarts[1]));
      // Binary `time` is int64 microseconds since midnight: exactly what the engine takes.
      starts.push(readInt64(buffer, fieldStarts[2]));
      ends.push(readInt64(buffer, fieldStarts[3]));
    },
  );
  return {
    store_id: storeIds,
    day_of_week: Uint8Array.from(days),
    start_time_us: Float64Array.from(starts),
    end_time_us: Float64Array.from(ends),
  };
}

async function readTimezones(client: PoolClient, range: StoreRange, stores: ByteStringInterner) {
  const storeIds: string[] = [];
  const zones: string[] = [];
  const zoneNames = new ByteStringInterner();
  await copyBinary(client, storeRowsSql('store_id, timezone_str', 'store_timezones', range), 2, (buffer, starts, lengths) => {
    storeIds.push(intern(stores, buffer, starts[0], lengths[0]));
    zones.push(intern(zoneNames, buffer, starts[1], lengths[1]));
  });
  return { store_id: storeIds, timezone_str: zones };
}

/** The shared instance of a text field's string (one per distinct value, not one per row). */
function intern(dictionary: ByteStringInterner, buffer: Buffer, start: number, length: number): string {
  return dictionary.strings[dictionary.codeOf(buffer, start, start + length)];
}

/** Streams `COPY (sql) TO STDOUT (FORMAT binary)` through the decoder; rows never pile up as objects. */
async function copyBinary(client: PoolClient, sql: string, fieldCount: number, onRow: BinaryRowHandler): Promise<number> {
  const decoder = new BinaryCopyDecoder(fieldCount, onRow);
  const stream = client.query(copyTo(`COPY (${sql}) TO STDOUT (FORMAT binary)`));
  for await (const chunk of stream) decoder.push(chunk as Buffer);
  decoder.end();
  return decoder.rowCount;
}
