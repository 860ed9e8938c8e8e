import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';

/**
 * The seams of the pipeline are Arquero tables with these columns. Readers (CSV files, the
 * PostgreSQL window loader) build them; `computeUptimeReport` takes them and returns a report table.
 * Rows are already valid (see parse.ts): readers skip and count bad rows before building a table.
 *
 * Numeric columns are typed arrays so the engine's kernels can read them without copying.
 */

/** One row per poll: `store_id` string (trimmed, non-empty), `is_active` 1/0, `timestamp_us` epoch µs. */
export interface PollColumns {
  store_id: string[];
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

/** Growable typed-array columns for readers that do not know the row count in advance. */
export class PollColumnsBuilder {
  private storeIds: string[] = [];
  private active = new Uint8Array(1024);
  private timestamps = new Float64Array(1024);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(storeId: string, isActive: number, timestampUs: number): void {
    if (this.count === this.active.length) this.grow();
    this.storeIds.push(storeId);
    this.active[this.count] = isActive;
    this.timestamps[this.count] = timestampUs;
    this.count++;
  }

  build(): PollColumns {
    return {
      store_id: this.storeIds,
      is_active: this.active.slice(0, this.count),
      timestamp_us: this.timestamps.slice(0, this.count),
    };
  }

  private grow(): void {
    const active = new Uint8Array(this.active.length * 2);
    active.set(this.active);
    this.active = active;
    const timestamps = new Float64Array(this.timestamps.length * 2);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
  }
}
