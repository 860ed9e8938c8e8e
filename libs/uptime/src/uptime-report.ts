import type { ColumnTable } from 'arquero';

export type UptimeMethod = 'hourly' | 'step';
export const UPTIME_METHODS: readonly UptimeMethod[] = ['hourly', 'step'];

export interface UptimeInputs {
  polls: ColumnTable;
  hours: ColumnTable;
  timezones: ColumnTable;
}

export interface UptimeReportOptions {
  /** The report's `now`; defaults to the latest poll. Polls after it are ignored. */
  asOf?: Date;
  method?: UptimeMethod;
}

export interface UptimeReportStats {
  stores: number;
  pollsRead: number;
  pollsAfterNow: number;
  /** Reported stores whose zone was missing (→ America/Chicago). */
  zonesMissing: number;
  /** Reported stores whose zone name is not a valid IANA zone (→ America/Chicago), by name. */
  zonesInvalid: Record<string, number>;
}

export interface UptimeReport {
  /** REPORT_COLUMNS; values already rounded half-up to 2 decimals. */
  table: ColumnTable;
  /** The reference time in epoch microseconds; null when there are no polls at all. */
  nowUs: number | null;
  method: UptimeMethod;
  stats: UptimeReportStats;
}

export function computeUptimeReport(inputs: UptimeInputs, options: UptimeReportOptions = {}): UptimeReport {
  throw new Error(`not implemented yet: ${String(inputs)} ${String(options)}`);
}
