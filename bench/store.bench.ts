/**
 * `npm run bench:store`: one store on demand (GET /stores/{store_id}/uptime) on full-scale data
 * (~1.8 M polls, 14 k stores; bench/full-scale-data.ts), or --scale K times that fleet (10: ~18 M
 * polls, 141 k stores; scaledFleet), at a fixed rate over random stores.
 *
 *   1. ingests the data into a database of its own and starts the built API as a process (as in
 *      production; the worker is not needed);
 *   2. warms up (--warmup requests), then sends --rate requests/s for --seconds, each for a random
 *      store with polls and either method, `now` = the latest poll (no as_of: the common call),
 *      twice: steady (Poisson arrivals at that rate, latency counted from each request's scheduled
 *      start: bench/open-loop-load.ts), then in autocannon's per-second bursts (its rate limit sends
 *      each connection's share of a second at the start of the second: the queue behind a burst);
 *   3. the same with a random as_of inside the data's last week, then the timeline route;
 *   4. prints p50/p99/max latency for each, the API process's CPU time per request (from /proc:
 *      unlike latency, not inflated by other work on a busy machine), the machine's load, and
 *      checks that every answer was a 200.
 *
 * Target: p99 ≤ 30 ms at 200 requests/s for the uptime route (the steady figure).
 *
 *   npm run build && npm run bench:store [-- --scale 10 --rate 200 --seconds 20 --connections 20]
 *   npm run bench:store -- --database-url postgres://…/loaded   (data already there: no ingest, nothing dropped)
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { localServices } from '@store-uptime/config';
import { ingestFiles } from '@store-uptime/db';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { createMigratedDatabase } from '../test/support/temp-database';
import { benchAppEnv, freePort, processCpu, startApp, stop, waitReady } from './bench-apps';
import { scaledFleet } from './full-scale-data';
import { openLoopLoad } from './open-loop-load';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    connections: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '1000' },
    scale: { type: 'string', default: '1' },
    // A database already loaded (e.g. by an earlier run's data, npm run ingest): used as it is, kept afterwards.
    'database-url': { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
    'log-dir': { type: 'string' },
  },
});

const services = localServices(process.env, 'BENCH_');

interface Route {
  label: string;
  path: (storeId: string, method: string) => string;
}

/**
 * CPU time (ms) a process has used (null where /proc cannot tell): the API's CPU per request is a
 * figure a busy machine does not distort the way it distorts latency.
 */
function cpuMs(pid: number | undefined): number | null {
  const used = processCpu(pid);
  return used === null ? null : used.seconds * 1000;
}

/** What one way of sending the load measured. */
interface LoadFigures {
  rate: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  failed: number;
}

/** One route at the target rate, measured both ways (see openLoopLoad for why the steady figure is the target's). */
async function measure(api: string, apiPid: number | undefined, route: Route, storeIds: string[], seconds: number): Promise<void> {
  const randomPath = () => route.path(encodeURIComponent(storeIds[Math.floor(Math.random() * storeIds.length)]), Math.random() < 0.5 ? 'hourly' : 'step');
  await report(`${route.label}, steady (Poisson arrivals, latency from each scheduled start)`, seconds, apiPid, async () => {
    const steady = await openLoopLoad({ origin: api, rate: Number(values.rate), seconds, maxConnections: Number(values.connections), path: randomPath });
    return { ...steady, rate: steady.achievedRate };
  });
  await report(`${route.label}, bursts (autocannon: each connection's share of a second sent at its start)`, seconds, apiPid, async () => {
    const bursts = await autocannon({
      url: api,
      connections: Number(values.connections),
      overallRate: Number(values.rate),
      duration: seconds,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: randomPath() }) }],
    });
    const { p50, p90, p99, max } = bursts.latency;
    return { rate: bursts.requests.average, p50, p90, p99, max, ok: bursts['2xx'], failed: bursts.non2xx + bursts.errors + bursts.timeouts };
  });
}

/** Runs one measurement and prints its line, with the API's CPU per request and the machine's load around it. */
async function report(label: string, seconds: number, apiPid: number | undefined, run: () => Promise<LoadFigures>): Promise<void> {
  const load = loadavg()[0].toFixed(1);
  const cpuBefore = cpuMs(apiPid);
  const figures = await run();
  const cpuAfter = cpuMs(apiPid);
  const requests = figures.ok + figures.failed;
  const cpuPerRequest = cpuBefore === null || cpuAfter === null ? 'n/a' : `${((cpuAfter - cpuBefore) / requests).toFixed(2)} ms`;
  console.log(
    `${label}: ${Math.round(figures.rate)} req/s for ${seconds} s, p50 ${figures.p50} ms, p90 ${figures.p90} ms, p99 ${figures.p99} ms, ` +
      `max ${figures.max} ms; ${figures.ok.toLocaleString('en-US')} ok, ${figures.failed} failed; ` +
      `API CPU ${cpuPerRequest} per request (load ${load} → ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`,
  );
  if (figures.failed > 0) process.exitCode = 1;
}

async function main(): Promise<void> {
  const given = values['database-url'];
  const database = given ? { url: given, drop: () => Promise.resolve() } : await createMigratedDatabase(services.databaseUrl, 'uptime_bench');
  const children: ChildProcess[] = [];
  const redisPrefix = `bench-store-${randomBytes(4).toString('hex')}`;
  try {
    const pool = new Pool({ connectionString: database.url });
    if ('dataSource' in database) {
      await database.dataSource.destroy();
      const fleet = scaledFleet(Number(values.scale));
      const started = performance.now();
      const ingest = await ingestFiles(pool, fleet);
      const loaded = ingest.files.map((file) => `${file.rowsLoaded.toLocaleString('en-US')} ${file.kind}`).join(', ');
      console.log(`data: ${fleet.polls} (${values.scale}× the sample fleet); ingested ${loaded} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await pool.query('VACUUM ANALYZE');
    }
    const { rows: stores } = await pool.query<{ store_id: string }>('SELECT DISTINCT store_id FROM store_status');
    const { rows: [{ latest }] } = await pool.query<{ latest: Date }>('SELECT max(timestamp_utc) AS latest FROM store_status');
    await pool.end();
    const storeIds = stores.map((row) => row.store_id);

    const port = await freePort();
    children.push(
      startApp(
        'api',
        {
          // The store routes never touch S3; the API only needs a bucket name to start.
          ...benchAppEnv(services, { databaseUrl: database.url, redisPrefix, bucket: 'store-uptime-bench-unused', logLevel: values['log-level'] }),
          PORT: String(port),
          // The cost of computing one store; the key check is bench:service's (a cached lookup).
          API_AUTH: 'off',
        },
        values['log-dir'],
      ),
    );
    const api = `http://127.0.0.1:${port}`;
    await waitReady(`${api}/health/ready`);

    const weekMs = 7 * 86_400_000;
    const randomAsOf = () => new Date(latest.getTime() - Math.floor(Math.random() * weekMs)).toISOString();
    const routes: Route[] = [
      { label: 'uptime, now = latest poll', path: (id, method) => `/stores/${id}/uptime?method=${method}` },
      { label: 'uptime, random as_of in the last week', path: (id, method) => `/stores/${id}/uptime?method=${method}&as_of=${randomAsOf()}` },
      { label: 'timeline, now = latest poll', path: (id, method) => `/stores/${id}/timeline?method=${method}` },
    ];

    // Warm-up: JIT, each pooled connection's prepared statement, PostgreSQL's cache. Every measured
    // route takes its turn: the uptime route is answered before Express, the timeline through Nest,
    // and each path must be warm before it is measured.
    const warmup = Number(values.warmup);
    for (let i = 0; i < warmup; i += 20) {
      const route = routes[(i / 20) % routes.length];
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${api}${route.path(encodeURIComponent(storeIds[Math.floor(Math.random() * storeIds.length)]), 'hourly')}`);
          await response.arrayBuffer();
        }),
      );
    }
    console.log(`${storeIds.length.toLocaleString('en-US')} stores with polls; target rate ${values.rate} req/s, ${values.connections} connections; warm-up ${warmup} requests`);
    const apiPid = children[0].pid;
    await measure(api, apiPid, routes[0], storeIds, Number(values.seconds));
    await measure(api, apiPid, routes[1], storeIds, Math.ceil(Number(values.seconds) / 2));
    await measure(api, apiPid, routes[2], storeIds, Math.ceil(Number(values.seconds) / 2));
    console.log(`target: uptime p99 ≤ 30 ms at 200 req/s (the steady figure: ${values.rate} requests/s arriving over time, not in bursts)`);
  } finally {
    for (const child of children) await stop(child);
    // The API registers the reports queue under its prefix (no job is ever added): remove it.
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(services.redisUrl), prefix: redisPrefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
