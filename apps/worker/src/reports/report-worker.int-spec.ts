import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { validateWorkerEnv } from '@store-uptime/config';
import { QUEUES } from '@store-uptime/queue';
import { SERVICES } from '../../../../test/e2e/support/test-services';
import { queueConnection, reportWorkerOptions } from './report-worker';

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The BullMQ Worker's settings, built from a validated environment, observed on a real Redis. */
describe('reportWorkerOptions against Redis', () => {
  const env = validateWorkerEnv({
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    S3_BUCKET: 'unused-bucket',
    REDIS_URL: SERVICES.redis,
    REDIS_PREFIX: `worker-options-${randomBytes(4).toString('hex')}`,
    WORKER_CONCURRENCY: '2',
    WORKER_LOCK_MS: '4000',
  });
  let queue: Queue;
  let worker: Worker | undefined;
  let release: () => void = () => undefined;

  beforeAll(() => {
    queue = new Queue(QUEUES.reports, queueConnection(env));
  });

  afterAll(async () => {
    release();
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
  });

  it('takes no job before run() (the app starts it once it is up), then WORKER_CONCURRENCY at once, each under a WORKER_LOCK_MS lock', async () => {
    const released = new Promise<void>((resolve) => (release = resolve));
    worker = new Worker(QUEUES.reports, () => released, reportWorkerOptions(env));
    await worker.waitUntilReady();
    const jobs = await queue.addBulk(['a', 'b', 'c'].map((name) => ({ name, data: {} })));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await queue.getActiveCount()).toBe(0);

    void worker.run();
    await until(async () => (await queue.getActiveCount()) === 2);
    expect(await queue.getWaitingCount()).toBe(1);
    const [active] = await queue.getActive();
    const redis = new Redis(SERVICES.redis);
    const lockMs = await redis.pttl(queue.toKey(`${active.id}:lock`)).finally(() => redis.disconnect());
    expect(lockMs).toBeGreaterThan(0);
    expect(lockMs).toBeLessThanOrEqual(4_000);

    release();
    await until(async () => (await queue.getCompletedCount()) === jobs.length);
  });
});
