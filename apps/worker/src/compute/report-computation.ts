import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { loadReportWindow } from '@store-uptime/db';
import { computeUptimeReport, REPORT_COLUMNS, type UptimeMethod, type UptimeReportStats } from '@store-uptime/uptime';

/**
 * Load the window and run the engine: the CPU-heavy part of a report. The same function runs in
 * a worker thread (compute.thread.ts, the normal case) and inline (when the sources run
 * untranspiled under Jest), so both paths compute exactly the same thing.
 */

export interface ComputeRequest {
  /** ISO-8601 instant, or null for "the latest poll". */
  asOf: string | null;
  method: UptimeMethod;
}

export type ReportColumnName = (typeof REPORT_COLUMNS)[number];

/** The report table as plain columns: cheap to pass between threads (14 k rows at full scale). */
export type ReportColumns = { store_id: string[] } & Record<Exclude<ReportColumnName, 'store_id'>, Float64Array>;

export interface ComputeResult {
  columns: ReportColumns;
  rows: number;
  /** The `now` used, epoch µs; null when there are no polls. */
  nowUs: number | null;
  pollsRead: number;
  stats: UptimeReportStats;
}

export type ComputeStage = { stage: 'loaded'; pollsRead: number } | { stage: 'computed'; rows: number };

export async function computeReportFromDatabase(
  source: Pool | DataSource,
  request: ComputeRequest,
  onStage: (stage: ComputeStage) => void = () => undefined,
): Promise<ComputeResult> {
  const asOf = request.asOf === null ? undefined : new Date(request.asOf);
  const window = await loadReportWindow(source, asOf ? { asOf } : {});
  onStage({ stage: 'loaded', pollsRead: window.pollsRead });
  // Inline (no thread) this lets the progress write and BullMQ's lock renewal run before the
  // synchronous engine takes the event loop; in a thread it costs nothing.
  await new Promise((resolve) => setImmediate(resolve));
  const report = computeUptimeReport(window.inputs, { ...(asOf ? { asOf } : {}), method: request.method });
  const rows = report.table.numRows();
  onStage({ stage: 'computed', rows });
  const table = report.table.isFiltered() || report.table.isOrdered() ? report.table.reify() : report.table;
  const columns = { store_id: Array.from(table.array('store_id') as ArrayLike<string>, String) } as ReportColumns;
  for (const name of REPORT_COLUMNS) {
    if (name !== 'store_id') columns[name] = Float64Array.from(table.array(name) as ArrayLike<number>);
  }
  return { columns, rows, nowUs: report.nowUs, pollsRead: window.pollsRead, stats: report.stats };
}
