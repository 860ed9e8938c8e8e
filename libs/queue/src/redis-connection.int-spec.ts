import { once } from 'node:events';
import Redis, { type RedisOptions } from 'ioredis';
import { SERVICES } from '../../../test/e2e/support/test-services';
import { producerConnection, statusReadConnection, workerConnection } from './redis-connection';

/** Nothing listens on port 1: connecting is refused at once, like a Redis that is down. */
const DOWN = 'redis://127.0.0.1:1';

function client(options: RedisOptions): Redis {
  const redis = new Redis(options);
  // Reconnect errors are expected here; the assertions are on the commands.
  redis.on('error', () => undefined);
  return redis;
}

describe('Redis connections, against a live Redis and a down one', () => {
  it("the API's connection answers when Redis is up", async () => {
    const redis = client(producerConnection(SERVICES.redis, 2_000));
    try {
      // No offline queue: commands go out once connected (BullMQ waits for this too).
      await once(redis, 'ready');
      await expect(redis.ping()).resolves.toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it("the API's connection fails a command at once when Redis is down (so the API answers 503, never hangs)", async () => {
    const redis = client(producerConnection(DOWN, 300));
    try {
      const started = Date.now();
      await expect(redis.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      redis.disconnect();
    }
  });

  it("the API's status-read connection sends the reads of one event-loop turn as one pipeline, each answered with its own hash", async () => {
    const redis = client(statusReadConnection(SERVICES.redis, 2_000));
    const prefix = `status-read-spec-${process.pid}-${Date.now()}`;
    try {
      await once(redis, 'ready');
      const keys = Array.from({ length: 100 }, (_, i) => `${prefix}:${i}`);
      await Promise.all(keys.map((key, i) => redis.hset(key, 'progress', String(i))));
      const reads = keys.map((key) => redis.hmget(key, 'progress', 'missing'));
      // Queued for one write at the end of this turn, not sent one by one.
      expect(redis.autoPipelineQueueSize).toBe(keys.length);
      expect(await Promise.all(reads)).toEqual(keys.map((_key, i) => [String(i), null]));
    } finally {
      await redis.del(...Array.from({ length: 100 }, (_, i) => `${prefix}:${i}`)).catch(() => undefined);
      redis.disconnect();
    }
  });

  it("the API's status-read connection fails a read at once when Redis is down, as the producer's does", async () => {
    const redis = client(statusReadConnection(DOWN, 300));
    try {
      const started = Date.now();
      await expect(redis.hmget('any', 'timestamp')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      redis.disconnect();
    }
  });

  it("the worker's connection holds a command until Redis is back, instead of failing the report", async () => {
    const redis = client(workerConnection(DOWN));
    try {
      const outcome = await Promise.race([
        redis.ping().then(
          () => 'answered',
          () => 'failed',
        ),
        new Promise((resolve) => setTimeout(() => resolve('still waiting'), 1_500)),
      ]);
      expect(outcome).toBe('still waiting');
    } finally {
      redis.disconnect();
    }
  });
});
