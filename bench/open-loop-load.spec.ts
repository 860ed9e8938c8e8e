import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openLoopLoad, poissonArrivals } from './open-loop-load';

describe('poissonArrivals', () => {
  it('arrives at the mean rate, in order, and the same way for the same seed', () => {
    const times = poissonArrivals(200, 60_000, 7);
    expect(times.length).toBeGreaterThan(200 * 60 * 0.97);
    expect(times.length).toBeLessThan(200 * 60 * 1.03);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1])).toBe(true);
    expect(times[times.length - 1]).toBeLessThan(60_000);
    expect(poissonArrivals(200, 60_000, 7)).toEqual(times);
    expect(poissonArrivals(200, 60_000, 8)).not.toEqual(times);
  });
});

describe('openLoopLoad', () => {
  let server: Server;
  let origin: string;
  /** Answers are held until this time (ms, performance.now()); 0 answers at once. */
  let holdUntil = 0;
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      paths.push(request.url ?? '');
      const answer = () => response.writeHead(request.url === '/missing' ? 404 : 200).end('x');
      setTimeout(answer, Math.max(0, holdUntil - performance.now()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends at the rate and counts answers', async () => {
    holdUntil = 0;
    paths.length = 0;
    const result = await openLoopLoad({ origin, rate: 200, seconds: 1, maxConnections: 4, path: () => '/ok' });
    expect(result.sent).toBe(poissonArrivals(200, 1000, 1).length);
    expect(result.ok).toBe(result.sent);
    expect(result.failed).toBe(0);
    expect(paths).toHaveLength(result.sent);
    expect(result.p50).toBeLessThan(50);
  });

  it('charges a stall to every request scheduled during it, not only to the one in flight', async () => {
    // The server holds its answers for the first 400 ms: a closed-loop client would send one
    // request, wait, and report one slow answer; the arrivals meanwhile were due all along.
    holdUntil = performance.now() + 400;
    const result = await openLoopLoad({ origin, rate: 200, seconds: 1, maxConnections: 1, path: () => '/ok' });
    expect(result.ok).toBe(result.sent);
    expect(result.max).toBeGreaterThanOrEqual(350);
    // About 40 % of the arrivals fall inside the stall, so far more than the slowest 1 % waited for it.
    expect(result.p90).toBeGreaterThan(100);
  });

  it('counts answers other than 200 as failed', async () => {
    holdUntil = 0;
    const result = await openLoopLoad({ origin, rate: 100, seconds: 0.5, maxConnections: 2, path: () => '/missing' });
    expect(result.failed).toBe(result.sent);
    expect(result.ok).toBe(0);
  });
});
