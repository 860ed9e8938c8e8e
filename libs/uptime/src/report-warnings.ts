import type { UptimeReportStats } from './uptime-report';

/**
 * What a consumer of a report should know that the numbers alone do not say. A report with a
 * warning is still complete and correct by docs/uptime-spec.md: an empty window is a fact about the
 * data, not a failure of the service, so it is said, never silently passed over.
 *
 * - `no_polls`: no poll at or before `now` in the report's week, so the report has no store
 *   (count: the polls used, 0). Usually an empty or wrong database, or an `as_of` before the data.
 * - `stores_without_zone`: reported stores with no time-zone row (count: stores), computed in
 *   America/Chicago as the spec says.
 * - `invalid_zone`: reported stores whose zone is not a valid IANA name (count: stores), computed
 *   in America/Chicago too.
 */
export const REPORT_WARNING_CODES = ['no_polls', 'stores_without_zone', 'invalid_zone'] as const;
export type ReportWarningCode = (typeof REPORT_WARNING_CODES)[number];

export interface ReportWarning {
  code: ReportWarningCode;
  count: number;
}

/** The warnings of a report, from the engine's counts; empty when there is nothing to say. */
export function reportWarnings(stats: UptimeReportStats): ReportWarning[] {
  const warnings: ReportWarning[] = [];
  if (stats.stores === 0) warnings.push({ code: 'no_polls', count: 0 });
  if (stats.zonesMissing > 0) warnings.push({ code: 'stores_without_zone', count: stats.zonesMissing });
  const invalid = Object.values(stats.zonesInvalid).reduce((sum, count) => sum + count, 0);
  if (invalid > 0) warnings.push({ code: 'invalid_zone', count: invalid });
  return warnings;
}
