import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import helmet from 'helmet';
import type { PinoLogger } from 'nestjs-pino';
import type { ApiMetrics } from '../metrics/api-metrics';
import { logServerProblem, problemFromException } from '../problem/problem-details.filter';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import type { ApiKeyVerifier } from '../auth/api-key-verifier';
import type { Caller } from '../auth/caller';

/**
 * Hot reads answered straight from Node's HTTP server, before Express (the status reads,
 * status-fast-lane.ts, and one store's uptime, store-fast-lane.ts).
 *
 * Why: measured on the 2-core machine, Express alone costs ~4× a bare Node handler per request
 * (hello world ≈ 2.6 k vs 9–14 k req/s), and Nest + pino-http's access line brought a status read
 * to ~3 k req/s. The lane does exactly what the Nest routes do — the same key check
 * (ApiKeyVerifier.authorize with reports:read, cached: no PostgreSQL read per request), the same
 * service calls with the caller, the same bodies (the routes' view functions), the same
 * problem+json for a 401/403/404/503 (problemFromException, with its WWW-Authenticate), helmet's
 * headers, Cache-Control, the request metric under the route's pattern — and nothing else; like
 * the Nest routes, it writes no access line (these reads are counted in /metrics instead).
 * Anything a lane does not recognise falls through to Express, so the 400 answers and every other
 * route stay in one place (the controllers).
 */

/** A request a lane answers: the route pattern of its metric, the problem's instance, and the read. */
export interface FastRead {
  route: string;
  instance: string;
  read: (caller: Caller) => Promise<unknown>;
}

/** Recognises the plain forms of one route from the request's URL; null leaves the request to Express. */
export type FastLane = (url: string) => FastRead | null;

/** The @Header of every laned route's Nest handler. */
const HANDLER_HEADERS: Readonly<Record<string, string>> = { 'Cache-Control': 'no-store' };

export function installFastLanes(server: Server, deps: { verifier: ApiKeyVerifier; metrics: ApiMetrics; logger: PinoLogger }, lanes: readonly FastLane[]): void {
  const [express] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!express) throw new Error('the HTTP server has no request handler to put the fast lane in front of');
  // Helmet's headers as one flat list: each answer passes them to writeHead with its own, one call
  // instead of a setHeader per header (a tenth of the lane's own CPU per read).
  const securityHeaders = helmetHeaders().flat();
  const handlerHeaders = Object.entries(HANDLER_HEADERS).flat();

  const reply = (res: ServerResponse, route: string, status: number, contentType: string, body: unknown, started: bigint, extra: readonly string[]) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, [...securityHeaders, ...extra, 'Content-Type', contentType, 'Content-Length', String(Buffer.byteLength(payload))]);
    res.end(payload);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics.requests.observe({ method: 'GET', route, status: String(status) }, seconds);
  };

  const problem = (res: ServerResponse, { route, instance }: FastRead, started: bigint, error: unknown, extra: readonly string[]) => {
    const { problem, headers } = problemFromException(error, instance);
    logServerProblem(deps.logger, error, problem);
    reply(res, route, problem.status, `${PROBLEM_CONTENT_TYPE}; charset=utf-8`, problem, started, [...extra, ...Object.entries(headers).flat()]);
  };

  /**
   * As Nest: the key check first (ApiKeyGuard with RequiresScope('reports:read')), whose 401/403
   * leave before the handler's headers are set; then the handler, whose answers, problems
   * included, carry its Cache-Control: no-store.
   */
  const answer = (req: IncomingMessage, res: ServerResponse, fast: FastRead) => {
    const started = process.hrtime.bigint();
    deps.verifier.authorize(req.headers.authorization, 'reports:read').then(
      (caller) =>
        fast.read(caller).then(
          (view) => reply(res, fast.route, 200, 'application/json; charset=utf-8', view, started, handlerHeaders),
          (error: unknown) => problem(res, fast, started, error, handlerHeaders),
        ),
      (error: unknown) => problem(res, fast, started, error, []),
    );
  };

  server.removeListener('request', express);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET' && req.url !== undefined) {
      for (const lane of lanes) {
        const fast = lane(req.url);
        if (fast !== null) {
          answer(req, res, fast);
          return;
        }
      }
    }
    express(req, res);
  });
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
