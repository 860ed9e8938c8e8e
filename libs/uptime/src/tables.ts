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

export const REPORT_COLUMNS = [
  'store_id',
  'uptime_last_hour',
  'uptime_last_day',
  'uptime_last_week',
  'downtime_last_hour',
  'downtime_last_day',
  'downtime_last_week',
] as const;

export function pollsTable(columns: PollColumns): ColumnTable {
  return aq.table(columns);
}

export function hoursTable(columns: HoursColumns): ColumnTable {
  return aq.table(columns);
}

export function timezonesTable(columns: TimezoneColumns): ColumnTable {
  return aq.table(columns);
}

/** Growable poll columns whose store ids are codes into a dictionary the caller maintains. */
export class EncodedPollColumnsBuilder {
  private codes = new Int32Array(1024);
  private active = new Uint8Array(1024);
  private timestamps = new Float64Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(storeCode: number, isActive: number, timestampUs: number): void {
    if (this.count === this.codes.length) this.grow();
    this.codes[this.count] = storeCode;
    this.active[this.count] = isActive;
    this.timestamps[this.count] = timestampUs;
    this.count++;
  }

  /** `dictionary[code]` is the store id of each code pushed; its entries must be distinct. */
  build(dictionary: readonly string[]): PollColumns {
    return {
      store_id: new DictionaryColumn(this.codes.slice(0, this.count), dictionary),
      is_active: this.active.slice(0, this.count),
      timestamp_us: this.timestamps.slice(0, this.count),
    };
  }

  private grow(): void {
    const size = this.codes.length * 2;
    const codes = new Int32Array(size);
    codes.set(this.codes);
    this.codes = codes;
    const active = new Uint8Array(size);
    active.set(this.active);
    this.active = active;
    const timestamps = new Float64Array(size);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
  }
}
