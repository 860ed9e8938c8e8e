import type { RedisOptions } from 'bullmq';

/** ioredis options from a `redis://` or `rediss://` URL (user, password, database number, TLS). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '');
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

/**
 * The API's connection (a producer and status reader): it must fail fast so a Redis outage is a
 * 503 at once, never a request hanging in ioredis' offline queue (test/faults/redis-restart
 * restarts Redis and expects 503 during the outage and recovery without a restart). ioredis keeps
 * reconnecting in the background, capped at 2 s between tries.
 */
export function producerConnection(url: string, commandTimeoutMs = 2_000): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: commandTimeoutMs,
    commandTimeout: commandTimeoutMs,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
  };
}

/**
 * The worker's connection: BullMQ requires `maxRetriesPerRequest: null` for its blocking
 * connection, and a worker should wait out a Redis restart rather than fail its commands.
 */
export function workerConnection(url: string): RedisOptions {
  return {
    ...redisOptionsFromUrl(url),
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 5_000),
  };
}

/**
 * PING over a queue's own connection (readiness probes). BullMQ 6 types its client as a generic
 * adapter; the default (and our only) backend is ioredis, which has `ping`.
 */
export async function pingQueueRedis(queue: { backend: { client: Promise<unknown> } }): Promise<void> {
  const client = (await queue.backend.client) as { ping(): Promise<string> };
  await client.ping();
}
