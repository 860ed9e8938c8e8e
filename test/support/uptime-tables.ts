import type { ColumnTable } from 'arquero';
import {
  computeUptimeReport,
  hoursTable,
  parseDayOfWeek,
  parseLocalTime,
  parseStatus,
  parseTimestampUtc,
  pollsTable,
  REPORT_COLUMNS,
  timezonesTable,
  type UptimeReportOptions,
} from '@store-uptime/uptime';

/** Test helpers: small tables written as text rows, as they would appear in the CSV files. */
export type PollRow = [storeId: string, status: string, timestampUtc: string];
export type HoursRow = [storeId: string, dayOfWeek: string | number, start: string, end: string];
export type ZoneRow = [storeId: string, timezone: string];

export function pollsOf(rows: PollRow[]): ColumnTable {
  return pollsTable({
    store_id: rows.map((r) => r[0]),
    is_active: Uint8Array.from(rows.map((r) => parseStatus(r[1]))),
    timestamp_us: Float64Array.from(rows.map((r) => parseTimestampUtc(r[2]))),
  });
}

export function hoursOf(rows: HoursRow[]): ColumnTable {
  return hoursTable({
    store_id: rows.map((r) => r[0]),
    day_of_week: Uint8Array.from(rows.map((r) => parseDayOfWeek(String(r[1])))),
    start_time_us: Float64Array.from(rows.map((r) => parseLocalTime(r[2]))),
    end_time_us: Float64Array.from(rows.map((r) => parseLocalTime(r[3]))),
  });
}

export function zonesOf(rows: ZoneRow[]): ColumnTable {
  return timezonesTable({ store_id: rows.map((r) => r[0]), timezone_str: rows.map((r) => r[1]) });
}

export type ReportRow = { [K in (typeof REPORT_COLUMNS)[number]]: K extends 'store_id' ? string : number };

/** The report as plain objects keyed by store id. */
export function reportOf(
  polls: PollRow[],
  hours: HoursRow[] = [],
  zones: ZoneRow[] = [],
  options: UptimeReportOptions = {},
): Record<string, ReportRow> {
  const { table } = computeUptimeReport({ polls: pollsOf(polls), hours: hoursOf(hours), timezones: zonesOf(zones) }, options);
  return Object.fromEntries((table.objects() as ReportRow[]).map((row) => [row.store_id, row]));
}

/** [uptime, downtime] of one window, for compact expectations. */
export function upDown(row: ReportRow, window: 'hour' | 'day' | 'week'): [number, number] {
  return [row[`uptime_last_${window}`], row[`downtime_last_${window}`]];
}
