import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/**
 * The seams of the pipeline are Arquero tables with these columns. Readers (CSV files, the
 * PostgreSQL window loader) build them; `computeUptimeReport` takes them and returns a report table.
 * Rows are already valid (see parse.ts): readers skip and count bad rows before building a table.
 *
 * Numeric columns are typed arrays so the engine's kernels can read them without copying.
 */

/**
 * A string column stored as codes into a dictionary of **distinct** strings: the reader of a 1.8 M-row
 * poll file knows each row's store as a small integer already, and the engine can group by it
 * without hashing a string per row. To Arquero it is an ordinary column (length, at, iterator).
 */
export class DictionaryColumn {
  constructor(
    readonly codes: Int32Array,
    readonly dictionary: readonly string[],
  ) {}

  get length(): number {
    return this.codes.length;
  }

  /** Like Array#at: a negative row counts from the end. */
  at(row: number): string {
    return this.dictionary[this.codes[row < 0 ? row + this.codes.length : row]];
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let row = 0; row < this.codes.length; row++) yield this.dictionary[this.codes[row]];
  }

  toArray(): string[] {
    return Array.from(this);
  }
}

/**
 * One row per poll: `store_id` string (trimmed, non-empty; a plain array or a DictionaryColumn),
 * `is_active` 1/0, `timestamp_us` epoch µs.
 */
export interface PollColumns {
  store_id: string[] | DictionaryColumn;
  is_active: Uint8Array;
  timestamp_us: Float64Array;
}

/**
 * One row per business-hours row: `day_of_week` 0 = Monday … 6 = Sunday; start and end in
 * microseconds since local midnight (end <= start means the interval ends the next local day).
 */
export interface HoursColumns {
  store_id: string[];
  day_of_week: Uint8Array;
  start_time_us: Float64Array;
  end_time_us: Float64Array;
}

/** One row per time-zone row; `timezone_str` as given (trimmed). The engine validates it. */
export interface TimezoneColumns {
  store_id: string[];
  timezone_str: string[];
}

/**
 * A string column stored as UTF-8 bytes and row offsets (row `r` is `bytes[offsets[r] .. offsets[r + 1])`):
 * two typed arrays, so a whole column crosses a thread boundary as transferable buffers instead of
 * one cloned string per row, and is read where it lands without being rebuilt. To Arquero it is an
 * ordinary column (length, at, iterator). The report's store ids use it.
 */
export class Utf8Column {
  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Int32Array,
  ) {}

  static from(strings: readonly string[]): Utf8Column {
    const encoder = new TextEncoder();
    const offsets = new Int32Array(strings.length + 1);
    let size = 0;
    for (const text of strings) size += text.length * 3; // the most UTF-8 bytes a UTF-16 unit can take
    const bytes = new Uint8Array(size);
    let at = 0;
    strings.forEach((text, row) => {
      at += encoder.encodeInto(text, bytes.subarray(at)).written;
      offsets[row + 1] = at;
    });
    // Its own buffer, of its own size: transferring it moves exactly the column.
    return new Utf8Column(bytes.slice(0, at), offsets);
  }

  get length(): number {
    return this.offsets.length - 1;
  }

  /** Like Array#at: a negative row counts from the end. */
  at(row: number): string {
    const index = row < 0 ? row + this.length : row;
    return UTF8.decode(this.bytes.subarray(this.offsets[index], this.offsets[index + 1]));
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let row = 0; row < this.length; row++) yield this.at(row);
  }

  toArray(): string[] {
    return Array.from(this);
  }
}

const UTF8 = new TextDecoder();

export const REPORT_COLUMNS = [
  'store_id',
  'uptime_last_hour',
  'uptime_last_day',
  'uptime_last_week',
  'downtime_last_hour',
  'downtime_last_day',
  'downtime_last_week',
] as const;

/** The numeric report columns (minutes for the hour, hours for the day and week), in CSV order. */
export const REPORT_VALUE_COLUMNS = ['uptime_last_hour', 'uptime_last_day', 'uptime_last_week', 'downtime_last_hour', 'downtime_last_day', 'downtime_last_week'] as const satisfies readonly (typeof REPORT_COLUMNS)[number][];
export type ReportValueColumn = (typeof REPORT_VALUE_COLUMNS)[number];

/**
 * A report table's data as plain typed arrays, every one with a buffer of its own: what crosses
 * the worker-thread boundary (transferred, not copied) and what the CSV writer reads.
 */
export interface ReportArrays {
  storeIds: { bytes: Uint8Array; offsets: Int32Array };
  values: Record<ReportValueColumn, Float64Array>;
}

/** The report table over these arrays (no copy): store ids as a Utf8Column, numbers as Float64Arrays. */
export function reportTable(arrays: ReportArrays): ColumnTable {
  return aq.table({ store_id: new Utf8Column(arrays.storeIds.bytes, arrays.storeIds.offsets), ...arrays.values });
}

/**
 * The arrays behind a report table: for a table from `reportTable` (what the engine returns) its
 * own arrays, shared, not copied; any other table with the report's columns is converted.
 */
export function reportArrays(table: ColumnTable): ReportArrays {
  const plain = withPlainColumns(table);
  const storeIds = columnOf(plain, 'store_id');
  const values = Object.fromEntries(REPORT_VALUE_COLUMNS.map((name) => [name, float64Column(plain, name)])) as Record<ReportValueColumn, Float64Array>;
  return { storeIds: storeIds instanceof Utf8Column ? storeIds : Utf8Column.from(Array.from(storeIds, String)), values };
}

/** Every buffer of the arrays, for postMessage's transfer list. */
export function reportBuffers(arrays: ReportArrays): ArrayBuffer[] {
  return [arrays.storeIds.bytes, arrays.storeIds.offsets, ...Object.values(arrays.values)].map((array) => array.buffer as ArrayBuffer);
}

/** column() returns the backing arrays, which ignore a filter or an ordering: reify those first. */
export function withPlainColumns(table: ColumnTable): ColumnTable {
  return table.isFiltered() || table.isOrdered() ? table.reify() : table;
}

/** What Arquero promises of any column (its `ColumnType`), with values not yet known. */
interface AnyColumn {
  readonly length: number;
  at(row: number): unknown;
  [Symbol.iterator](): Iterator<unknown>;
}

function columnOf(table: ColumnTable, name: string): AnyColumn {
  const column = table.column(name);
  if (!column) throw new Error(`the table has no column "${name}"`);
  return column;
}

/** A numeric column as the Float64Array its reader built (a copy only if it is not one). */
export function float64Column(table: ColumnTable, name: string): Float64Array {
  const column = columnOf(table, name);
  return column instanceof Float64Array ? column : Float64Array.from(column, Number);
}

/** A small-integer column (status, weekday) as the Uint8Array its reader built (a copy only if it is not one). */
export function uint8Column(table: ColumnTable, name: string): Uint8Array {
  const column = columnOf(table, name);
  return column instanceof Uint8Array ? column : Uint8Array.from(column, Number);
}

/** A string column as indexable strings; a DictionaryColumn is returned as it is (its codes are the point). */
export function stringColumn(table: ColumnTable, name: string): readonly string[] | DictionaryColumn {
  const column = columnOf(table, name);
  if (column instanceof DictionaryColumn) return column;
  if (Array.isArray(column) && column.every((value) => typeof value === 'string')) return column;
  return Array.from(column, String);
}

export function pollsTable(columns: PollColumns): ColumnTable {
  return aq.table({ ...columns });
}

export function hoursTable(columns: HoursColumns): ColumnTable {
  return aq.table(columns);
}

export function timezonesTable(columns: TimezoneColumns): ColumnTable {
  return aq.table(columns);
}

/**
 * Growable poll columns whose store ids are codes into a dictionary the caller maintains.
 *
 * Rows go into fixed-size chunks, copied once into exact-size columns by `build`. Doubling one
 * array instead copied every row again at each doubling, left up to half of the last array
 * unused, and allocated (and the kernel zeroed) ~3.5 bytes for every byte kept: at 18 M polls
 * that was the second super-linear cost of the CSV command after interning (docs/scaling.md).
 *
 * Each chunk's arrays sit on resizable ArrayBuffers, which `build` shrinks to nothing as soon as
 * it has copied them: their memory goes back at once, not at some later garbage collection. With
 * plain buffers the chunks (233 MB at the 10× fleet) were still held when the report's own arrays
 * were allocated, whenever the collector had not run yet, and peak RSS varied by that much.
 */
export class EncodedPollColumnsBuilder {
  private readonly full: PollChunk[] = [];
  private current = pollChunk(BUILDER_FIRST_CHUNK_ROWS);
  /** Rows in the current chunk, and in the full ones before it. */
  private used = 0;
  private before = 0;
  private built = false;

  get length(): number {
    return this.before + this.used;
  }

  push(storeCode: number, isActive: number, timestampUs: number): void {
    if (this.used === this.current.codes.length) this.nextChunk();
    const { current, used } = this;
    current.codes[used] = storeCode;
    current.active[used] = isActive;
    current.timestamps[used] = timestampUs;
    this.used = used + 1;
  }

  /** Appends rows `[0, count)` of the arrays, copied in bulk (the caller may reuse them). */
  pushRows(storeCodes: Int32Array, isActive: Uint8Array, timestampsUs: Float64Array, count: number): void {
    for (let from = 0; from < count; ) {
      if (this.used === this.current.codes.length) this.nextChunk();
      const { current, used } = this;
      const rows = Math.min(count - from, current.codes.length - used);
      current.codes.set(storeCodes.subarray(from, from + rows), used);
      current.active.set(isActive.subarray(from, from + rows), used);
      current.timestamps.set(timestampsUs.subarray(from, from + rows), used);
      this.used = used + rows;
      from += rows;
    }
  }

  /**
   * The columns, once: the chunks are released as they are copied. `dictionary[code]` is the store
   * id of each code pushed; its entries must be distinct.
   */
  build(dictionary: readonly string[]): PollColumns {
    if (this.built) throw new Error('EncodedPollColumnsBuilder.build: already built');
    this.built = true;
    const chunks = [...this.full, this.current];
    const rows = [...this.full.map((chunk) => chunk.codes.length), this.used];
    const codes = concatReleasing(chunks.map((chunk) => chunk.codes), rows, new Int32Array(this.length));
    const active = concatReleasing(chunks.map((chunk) => chunk.active), rows, new Uint8Array(this.length));
    const timestamps = concatReleasing(chunks.map((chunk) => chunk.timestamps), rows, new Float64Array(this.length));
    return { store_id: new DictionaryColumn(codes, dictionary), is_active: active, timestamp_us: timestamps };
  }

  private nextChunk(): void {
    this.full.push(this.current);
    this.before += this.used;
    // Small files stay small; big ones go in chunks of BUILDER_CHUNK_ROWS.
    this.current = pollChunk(Math.min(this.current.codes.length * 4, BUILDER_CHUNK_ROWS));
    this.used = 0;
  }
}

interface PollChunk {
  codes: Int32Array;
  active: Uint8Array;
  timestamps: Float64Array;
}

function pollChunk(rows: number): PollChunk {
  const resizable = (bytes: number) => new ArrayBuffer(bytes, { maxByteLength: bytes });
  return {
    codes: new Int32Array(resizable(rows * 4), 0, rows),
    active: new Uint8Array(resizable(rows), 0, rows),
    timestamps: new Float64Array(resizable(rows * 8), 0, rows),
  };
}

/** Copies the first `rows[i]` rows of each part into `whole`, shrinking each part's buffer to nothing once copied. */
function concatReleasing<T extends Int32Array | Uint8Array | Float64Array>(parts: T[], rows: number[], whole: T): T {
  let at = 0;
  parts.forEach((part, index) => {
    whole.set(part.subarray(0, rows[index]), at);
    at += rows[index];
    (part.buffer as ArrayBuffer).resize(0);
  });
  return whole;
}

const BUILDER_FIRST_CHUNK_ROWS = 1 << 12;
const BUILDER_CHUNK_ROWS = 1 << 20;
