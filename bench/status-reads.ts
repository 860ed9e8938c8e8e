import autocannon from 'autocannon';

/** Status reads against a running API (autocannon): shared by bench:service and bench:status. */

export interface ReadOptions {
  connections: number;
  seconds: number;
  /** Sent with every read: the API key (Authorization: Bearer …). */
  headers: Record<string, string>;
}

export interface ReadFigures {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  errors: number;
}

/** Status reads of `path(id)` for `ids`, round robin: each request asks for the next id. */
export async function statusReads(
  api: string,
  ids: string[],
  path: (id: string) => string,
  options: ReadOptions,
): Promise<ReadFigures> {
  let next = 0;
  const result = await autocannon({
    url: api,
    connections: options.connections,
    duration: options.seconds,
    headers: options.headers,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path(ids[next++ % ids.length]) }) }],
  });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

export function describeReads(label: string, ids: number, figures: ReadFigures, options: ReadOptions): string {
  return (
    `status reads (${label}, ${ids.toLocaleString('en-US')} ids): ${figures.requestsPerSecond.toLocaleString('en-US')} req/s, ` +
    `p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms ` +
    `(${figures.ok.toLocaleString('en-US')} ok, ${figures.errors} errors; ${options.connections} connections, ${options.seconds} s; authenticated, owner checked)`
  );
}
