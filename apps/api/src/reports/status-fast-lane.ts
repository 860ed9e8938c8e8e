import { isReportId } from '@store-uptime/queue';
import type { FastLane } from '../http/fast-lane';
import { compatStateView, reportDetailsView } from './report-views';
import type { ReportsService } from './reports.service';

/**
 * Status reads on the fast lane (http/fast-lane.ts): `GET /get_report?report_id=<id>` (the original
 * route) and `GET /reports/<id>` (the REST one), each in its plain form only, with the caller (another
 * owner's report is a 404) and the Nest routes' views.
 *
 * Why: status polls are most of the traffic, and the service must answer ≥ 5,000 reads/s with p99
 * < 20 ms (docs/service.md; npm run bench:status). Anything else (another path, a malformed or
 * repeated id, any query parameter on /reports/<id>, extra parameters) falls through to Express.
 */
export function statusFastLane(reports: ReportsService): FastLane {
  return (url) => {
    const compatId = plainStatusQuery(url);
    if (compatId !== null) return { route: '/get_report', instance: '/get_report', read: (caller) => reports.state(compatId, caller).then(compatStateView) };
    const restId = plainReportPath(url);
    if (restId !== null) return { route: '/reports/:id', instance: url, read: (caller) => reports.details(restId, caller).then(reportDetailsView) };
    return null;
  };
}

/** The report id of `/reports/<32 hex>` (no query, no trailing slash); null for anything else. */
export function plainReportPath(url: string | undefined): string | null {
  const prefix = '/reports/';
  if (url?.length !== prefix.length + 32 || !url.startsWith(prefix)) return null;
  const id = url.slice(prefix.length);
  return isReportId(id) ? id : null;
}

/** The report id of `/get_report?report_id=<32 hex>` and nothing else; null for anything else. */
export function plainStatusQuery(url: string | undefined): string | null {
  const prefix = '/get_report?report_id=';
  if (!url?.startsWith(prefix)) return null;
  const id = url.slice(prefix.length);
  return isReportId(id) ? id : null;
}
