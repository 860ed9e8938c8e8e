import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { PinoLogger } from 'nestjs-pino';
import { isReportId } from '@store-uptime/queue';
import type { ApiMetrics } from '../metrics/api-metrics';
import { logServerProblem, problemFromException } from '../problem/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { compatStateView, reportDetailsView } from './report-views';
import type { ReportsService } from './reports.service';
import type { ApiKeyVerifier } from '../auth/api-key-verifier';
import type { Caller } from '../auth/caller';

/**
 * Status reads answered straight from Node's HTTP server, before Express: `GET /get_report?report_id=<id>`
 * (the original route) and `GET /reports/<id>` (the REST one), each in its plain form only.
 *
 * Why: status polls are most of the traffic, and the service must answer ≥ 5,000 reads/s with p99
 * < 20 ms (docs/service.md; npm run bench:status).
 * Measured on the 2-core machine: Express alone costs ~4× a bare Node handler per request
 * (hello world ≈ 2.6 k vs 9–14 k req/s), and Nest + pino-http's access line brought the REST read
 * to ~3 k req/s. This lane does exactly what the Nest routes do — the same key check
 * (ApiKeyVerifier.authorize with reports:read, cached: no PostgreSQL read per poll), the same
 * ReportsService calls with the caller (another owner's report is a 404), the same bodies
 * (compatStateView, reportDetailsView), the same problem+json for a 401/403/404/503
 * (problemFromException, with its WWW-Authenticate), helmet's headers, Cache-Control, the request
 * metric under the route's pattern — and nothing else; like the Nest routes, it writes no access
 * line (status polls are counted in /metrics instead). Anything it does not recognise (another
 * path, a malformed or repeated id, any query parameter on /reports/<id>, extra parameters) falls
 * through to Express, so the 400 answers and every other route stay in one place (the controllers).
 */
/** The @Header of both routes' Nest handlers. */
const HANDLER_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store' };

export function installStatusFastLane(
  server: Server,
  deps: { reports: ReportsService; verifier: ApiKeyVerifier; metrics: ApiMetrics; logger: PinoLogger },
): void {
  const [express] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!express) throw new Error('the HTTP server has no request handler to put the fast lane in front of');
  // Helmet's headers as one flat list: each answer passes them to writeHead with its own, one call
  // instead of a setHeader per header (a tenth of the lane's own CPU per read).
  const securityHeaders = helmetHeaders().flat();

  const reply = (res: ServerResponse, route: string, status: number, contentType: string, body: unknown, started: bigint, extra: Readonly<Record<string, string>>) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, [...securityHeaders, ...Object.entries(extra).flat(), 'Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(payload))]);
    res.end(payload);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.requests.observe({ method: 'GET', route, status: String(status) }, seconds);
  };

  const problem = (res: ServerResponse, route: string, instance: string, started: bigint, error: unknown, extra: Readonly<Record<string, string>>) => {
    const { problem, headers } = problemFromException(error, instance);
    logServerProblem(deps.logger, error, problem);
    reply(res, route, problem.status, `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, problem, started, { ...extra, ...headers });
  };

  /**
   * As Nest: the key check first (ApiKeyGuard with RequiresScope('reports:read')), whose 401/403
   * leave before the handler's headers are set; then the handler, whose answers, problems
   * included, carry its Cache-Control: no-store.
   */
  const answer = (req: IncomingMessage, res: ServerResponse, route: string, instance: string, read: (caller: Caller) => Promise<unknown>) => {
    const started = process.hrtime.bigint();
    deps.verifier.authorize(req.headers.authorization, 'reports:read').then(
      (caller) =>
        read(caller).then(
          (view) => reply(res, route, 200, 'application/json; charset=utf-8', view, started, HANDLER_HEADERS),
          (error: unknown) => problem(res, route, instance, started, error, HANDLER_HEADERS),
        ),
      (error: unknown) => problem(res, route, instance, started, error, {}),
    );
  };

  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') {
      const compatId = plainStatusQuery(req.url);
      if (compatId !== null) {
        answer(req, res, '/get_report', '/get_report', (caller) => deps.reports.state(compatId, caller).then(compatStateView));
        return;
      }
      const restId = plainReportPath(req.url);
      if (restId !== null) {
        answer(req, res, '/reports/:id', req.url ?? '', (caller) => deps.reports.details(restId, caller).then(reportDetailsView));
        return;
      }
    }
    express(req, res);
  });
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

/** The headers helmet sets on every response, captured once from helmet itself (also used for parser errors). */
export function helmetHeaders(): [string, string][] {
  const captured: [string, string][] = [];
  const fakeResponse = {
    setHeader: (name: string, value: unknown) => captured.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  let called = false;
  helmet()({} as IncomingMessage, fakeResponse as unknown as ServerResponse, () => {
    called = true;
  });
  if (!called || captured.length === 0) throw new Error('could not capture helmet headers');
  return captured;
}
