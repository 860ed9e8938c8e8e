import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { loadReportWindow, type StoreRange } from '@store-uptime/db';
import { computeUptimeReport, reportArrays, type ReportArrays, type UptimeMethod, type UptimeReportStats } from '@store-uptime/uptime';

/**
 * Load the window and run the engine: the CPU-heavy part of a report. The same function runs in
 * a worker thread (compute.thread.ts, the normal case) and inline (COMPUTE_MODE=inline), so both
 * paths compute exactly the same thing.
 */

export interface ComputeRequest {
  /** ISO-8601 instant, or null for "the latest poll". */
  asOf: string | null;
  method: UptimeMethod;
  /** A shard of a fanned-out report: the fleet's `now` (epoch µs, wins over asOf) and its stores. */
  shard?: { nowUs: number; stores: StoreRange };
}

export interface ComputeResult {
  /**
   * The report table's own arrays (14 k rows at full scale): a thread hands them over as
   * transferable buffers, and the CSV writer reads them where they land.
   */
  report: ReportArrays;
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
  const shard = request.shard;
  const window = await loadReportWindow(source, shard ? { nowUs: shard.nowUs, stores: shard.stores } : asOf ? { asOf } : {});
  onStage({ stage: 'loaded', pollsRead: window.pollsRead });
  // Inline (no thread) this lets the progress write and BullMQ's lock renewal run before the
  // synchronous engine takes the event loop; in a thread it costs nothing.
  await new Promise((resolve) => setImmediate(resolve));
  const report = computeUptimeReport(window.inputs, { ...(shard ? { asOfUs: shard.nowUs } : asOf ? { asOf } : {}), method: request.method });
  const rows = report.table.numRows();
  onStage({ stage: 'computed', rows });
  return { report: reportArrays(report.table), rows, nowUs: report.nowUs, pollsRead: window.pollsRead, stats: report.stats };
}
