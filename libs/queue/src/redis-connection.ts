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
 * The API's status-read connection: the producer's fail-fast settings, with ioredis' auto
 * pipelining, so the job reads of all the status polls that arrive in one event-loop turn leave in
 * one socket write (one HMGET per poll, each written on its own, cost a fifth of the API's CPU at
 * 3,000 polls/s: profile of npm run bench:status). A connection of its own because BullMQ's
 * connections are not tested with auto pipelining (reports of lost job data with it: bull#2276,
 * bullmq#457); this one only ever sends HMGET.
 */
export function statusReadConnection(url: string, commandTimeoutMs = 2_000): RedisOptions {
  return { ...producerConnection(url, commandTimeoutMs), enableAutoPipelining: true };
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
