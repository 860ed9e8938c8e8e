import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { REPO_ROOT } from './full-scale-data';

/** The built apps as processes, and status reads against them: shared by bench:service and bench:status. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** `node dist/apps/<name>/src/main.js` with `env`; its JSON log in `<logDir>/<name>.log` when asked (else discarded). */
export function startApp(name: 'api' | 'worker', env: Record<string, string>, logDir?: string): ChildProcess {
  // Logs are produced either way (their cost is part of the measurement); kept only on request.
  const stdout = logDir ? openSync(join(logDir, `${name}.log`), 'w') : 'ignore';
  const child = spawn(process.execPath, [join(REPO_ROOT, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`${name} exited (${code ?? signal})\n`);
  });
  return child;
}

export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(15_000).then(() => child.kill('SIGKILL'))]);
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
  options: { connections: number; seconds: number },
): Promise<ReadFigures> {
  let next = 0;
  const result = await autocannon({
    url: api,
    connections: options.connections,
    duration: options.seconds,
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

export function describeReads(label: string, ids: number, figures: ReadFigures, options: { connections: number; seconds: number }): string {
  return (
    `status reads (${label}, ${ids.toLocaleString('en-US')} ids): ${figures.requestsPerSecond.toLocaleString('en-US')} req/s, ` +
    `p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms ` +
    `(${figures.ok.toLocaleString('en-US')} ok, ${figures.errors} errors; ${options.connections} connections, ${options.seconds} s)`
  );
}
