import { INPUT_HEADERS } from '@store-uptime/csv';
import { parseDayOfWeek, parseLocalTime, parseStatus, SkipReason, TimestampReader } from '@store-uptime/uptime';
import type { BinaryCopyWriter } from './binary-copy-writer';

/**
 * How each input file becomes rows of its table: the header columns it needs and, per CSV
 * record, either one row of binary COPY data or the reason the record is skipped.
 *
 * Validation is exactly the CSV command's (the parse functions of @store-uptime/uptime, in the
 * same order as libs/csv's readers), so the database holds the rows a report from the files
 * would use, and a report computed from either agrees (report-window-vs-csv.int-spec.ts).
 */

/**
 * Skip reasons: the spec's, plus what PostgreSQL cannot store or index: a NUL character, and a
 * store id longer than MAX_STORE_ID_BYTES.
 */
export const IngestSkipReason = { ...SkipReason, nulCharacter: 'nul_character', storeIdTooLong: 'store_id_too_long' } as const;
export type IngestSkipReason = (typeof IngestSkipReason)[keyof typeof IngestSkipReason];

export type InputKind = 'polls' | 'hours' | 'timezones';

export interface InputTable {
  kind: InputKind;
  table: string;
  /** Columns the COPY fills, in the order `encode` writes them. */
  copyColumns: readonly string[];
  headers: Record<string, readonly string[]>;
  /**
   * Writes the record as one COPY row and returns null, or writes nothing and returns why it is
   * skipped. `columns` maps each name of `headers` to its index in the file's header row.
   */
  encode(record: string[], columns: Record<string, number>, out: BinaryCopyWriter): IngestSkipReason | null;
}

// Canonical order: every transaction that locks several input tables locks them in this order
// (the window loader does too), so two of them can never wait for each other in a cycle.
export const INPUT_TABLE_ORDER: readonly InputKind[] = ['polls', 'hours', 'timezones'];

const hasNul = (text: string) => text.includes('\0');

/**
 * The longest store id loaded, in UTF-8 bytes. Every input table's key starts with store_id, and a
 * btree index row holds at most ~2.7 kB: one longer id made the whole COPY fail ("index row
 * requires N bytes", found by test/fuzz/ingest.fuzz-spec.ts) instead of one row being skipped.
 * Real ids are 19-digit numbers or 36-character UUIDs.
 */
export const MAX_STORE_ID_BYTES = 1_024;

// A UTF-16 code unit is at most 3 UTF-8 bytes, so only long strings need counting.
const tooLong = (text: string) => text.length * 3 > MAX_STORE_ID_BYTES && Buffer.byteLength(text, 'utf8') > MAX_STORE_ID_BYTES;
const timestamps = new TimestampReader();

export const POLLS_TABLE: InputTable = {
  kind: 'polls',
  table: 'store_status',
  copyColumns: ['store_id', 'status', 'timestamp_utc'],
  headers: INPUT_HEADERS.polls,
  encode(record, columns, out) {
    const storeId = record[columns.storeId].trim();
    if (!storeId) return IngestSkipReason.emptyStoreId;
    const status = parseStatus(record[columns.status]);
    if (status < 0) return IngestSkipReason.badStatus;
    const micros = timestamps.parse(record[columns.timestamp]);
    if (Number.isNaN(micros)) return IngestSkipReason.badTimestamp;
    if (hasNul(storeId)) return IngestSkipReason.nulCharacter;
    if (tooLong(storeId)) return IngestSkipReason.storeIdTooLong;
    out.beginRow(3);
    out.text(storeId);
    out.text(status === 1 ? 'active' : 'inactive');
    out.timestamp(micros);
    return null;
  },
};

export const HOURS_TABLE: InputTable = {
  kind: 'hours',
  table: 'business_hours',
  copyColumns: ['store_id', 'day_of_week', 'start_time_local', 'end_time_local'],
  headers: INPUT_HEADERS.hours,
  encode(record, columns, out) {
    const storeId = record[columns.storeId].trim();
    if (!storeId) return IngestSkipReason.emptyStoreId;
    const day = parseDayOfWeek(record[columns.dayOfWeek]);
    if (day < 0) return IngestSkipReason.badDayOfWeek;
    const start = parseLocalTime(record[columns.start]);
    const end = parseLocalTime(record[columns.end]);
    if (Number.isNaN(start) || Number.isNaN(end)) return IngestSkipReason.badTime;
    if (hasNul(storeId)) return IngestSkipReason.nulCharacter;
    if (tooLong(storeId)) return IngestSkipReason.storeIdTooLong;
    out.beginRow(4);
    out.text(storeId);
    out.int16(day);
    out.timeOfDay(start);
    out.timeOfDay(end);
    return null;
  },
};

export const TIMEZONES_TABLE: InputTable = {
  kind: 'timezones',
  table: 'store_timezones',
  copyColumns: ['store_id', 'timezone_str'],
  headers: INPUT_HEADERS.timezones,
  encode(record, columns, out) {
    const storeId = record[columns.storeId].trim();
    if (!storeId) return IngestSkipReason.emptyStoreId;
    // Kept as given (trimmed), even empty or not a zone: the engine falls back and counts it.
    const zone = record[columns.timezone].trim();
    if (hasNul(storeId) || hasNul(zone)) return IngestSkipReason.nulCharacter;
    if (tooLong(storeId)) return IngestSkipReason.storeIdTooLong;
    out.beginRow(2);
    out.text(storeId);
    out.text(zone);
    return null;
  },
};

export const INPUT_TABLES: Record<InputKind, InputTable> = {
  polls: POLLS_TABLE,
  hours: HOURS_TABLE,
  timezones: TIMEZONES_TABLE,
};

/**
 * The input tables' names in INPUT_TABLE_ORDER, for LOCK TABLE, with `polled_stores` (the store
 * list kept beside store_status, see PolledStoreEntity) right after store_status.
 */
export const INPUT_TABLES_IN_LOCK_ORDER: readonly string[] = INPUT_TABLE_ORDER.flatMap((kind) =>
  kind === 'polls' ? [INPUT_TABLES[kind].table, 'polled_stores'] : [INPUT_TABLES[kind].table],
);

/** The tables a load of `tables` writes, in lock order: loading polls also writes polled_stores. */
export function tablesWrittenInLockOrder(tables: readonly string[]): string[] {
  return INPUT_TABLES_IN_LOCK_ORDER.filter((table) => tables.includes(table) || (table === 'polled_stores' && tables.includes(POLLS_TABLE.table)));
}
