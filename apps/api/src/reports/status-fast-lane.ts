import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { PinoLogger } from 'nestjs-pino';
import { isReportId } from '@store-uptime/queue';
import type { ApiMetrics } from '../metrics/api-metrics';
import { logServerProblem, problemFromException } from '../problem/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { compatStateView } from './report-views';
import type { ReportsService } from './reports.service';
import type { ApiKeyVerifier } from '../auth/api-key-verifier';

/**
 * `GET /get_report?report_id=<valid id>` answered straight from Node's HTTP server, before Express.
 *
 * Why: status polls are most of the traffic, and the service must answer ≥ 5,000 reads/s with p99
 * < 20 ms (docs/service.md; npm run bench:service).
 * Measured on the 2-core machine: Express alone costs ~4× a bare Node handler per request
 * (hello world ≈ 2.6 k vs 9–14 k req/s), so no amount of work in the handler reaches the target
 * through Express + Nest. This lane does exactly what the Nest route does — the same
 * key check (ApiKeyVerifier, cached: no PostgreSQL read per poll), the same ReportsService.state, the same body (compatStateView), the same problem+json for a 404/503
 * (problemFromException), helmet's headers, the request metric — and nothing else. Anything it
 * does not recognise (another path, a malformed or repeated id, extra parameters) falls through
 * to Express, so the 400 answers and every other route stay in one place (CompatController).
 */
export function installStatusFastLane(
  server: Server,
  deps: { reports: ReportsService; verifier: ApiKeyVerifier; metrics: ApiMetrics; logger: PinoLogger },
): void {
  const [express] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!express) throw new Error('the HTTP server has no request handler to put the fast lane in front of');
  const headers = helmetHeaders();

  const reply = (res: ServerResponse, status: number, contentType: string, body: unknown, started: bigint, extra: Record<string, string> = {}) => {
    const payload = JSON.stringify(body);
    for (const [name, value] of headers) res.setHeader(name, value);
    for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Type', contentType);
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    res.statusCode = status;
    res.end(payload);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.requests.observe({ method: 'GET', route: '/get_report', status: String(status) }, seconds);
  };

  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const id = req.method === 'GET' ? plainStatusQuery(req.url) : null;
    if (id === null) {
      express(req, res);
      return;
    }
    const started = process.hrtime.bigint();
    deps.verifier
      .authorize(req.headers.authorization, 'reports:read')
      .then((caller) => deps.reports.state(id, caller))
      .then(
        (state) => reply(res, 200, 'application/json; charset=utf-8', compatStateView(state), started),
        (error: unknown) => {
          const { problem, headers: extra } = problemFromException(error, '/get_report');
          logServerProblem(deps.logger, error, problem);
          reply(res, problem.status, `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, problem, started, extra);
        },
      );
  });
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
