import { Agent, get } from 'node:http';
import { mulberry32 } from '../test/support/random-stores';

/**
 * Open-loop load at a steady rate: requests start at Poisson arrival times (a mean of `rate` per
 * second, as independent clients arrive), whatever the answers do, and each latency is counted
 * from the request's scheduled start, so a stalled server, a full connection pool or a late timer
 * in this process is charged to the figure rather than hidden (no "coordinated omission").
 *
 * Written here rather than taken from autocannon: autocannon's rate limit lets each connection send
 * its share of a second back to back at the start of every second, so "200 requests/s over 20
 * connections" arrives as a burst of 200 and then a pause, which measures the queue behind a burst,
 * not a server at 200 requests/s. (wrk2 and k6 schedule open-loop arrivals, but are not npm packages.)
 */
export interface OpenLoopOptions {
  /** `http://host:port`. */
  origin: string;
  /** Mean requests per second. */
  rate: number;
  seconds: number;
  /** Keep-alive connections at most; a request finding them all busy waits (and is charged for it). */
  maxConnections: number;
  /** The path of each request (e.g. a random store's). */
  path: () => string;
  /** Seed of the arrival times, so two runs (or two routes) see the same schedule. */
  seed?: number;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  /** Milliseconds from the scheduled start to the end of the answer. */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Answers per second over the run. */
  achievedRate: number;
}

export async function openLoopLoad(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxConnections });
  const arrivals = poissonArrivals(options.rate, options.seconds * 1000, options.seed ?? 1);
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  const request = (scheduledAt: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = (success: boolean) => {
        latencies.push(performance.now() - scheduledAt);
        if (success) ok += 1;
        else failed += 1;
        resolve();
      };
      get(`${options.origin}${options.path()}`, { agent }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => done(response.statusCode === 200));
        response.on('error', () => done(false));
      }).on('error', () => done(false));
    });
  for (let next = 0; next < arrivals.length; ) {
    const now = performance.now() - started;
    // Every arrival that is due starts now, with its latency counted from when it was due.
    while (next < arrivals.length && arrivals[next] <= now) inFlight.push(request(started + arrivals[next++]));
    if (next < arrivals.length) await new Promise((resolve) => setTimeout(resolve, Math.max(0, arrivals[next] - (performance.now() - started))));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN);
  return { sent: arrivals.length, ok, failed, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] ?? NaN), achievedRate: latencies.length / elapsed };
}

/** Arrival times (ms from the start) of a Poisson process at `rate` per second over `durationMs`, from a seeded generator. */
export function poissonArrivals(rate: number, durationMs: number, seed: number): number[] {
  const random = mulberry32(seed);
  const times: number[] = [];
  for (let t = -Math.log(1 - random()) * (1000 / rate); t < durationMs; t += -Math.log(1 - random()) * (1000 / rate)) times.push(t);
  return times;
}
