import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ApiKeysRepository, dataSourceOptionsFromUrl, migrateUp, type NewApiKey } from '@store-uptime/db';
import { createTempDatabase, type TempDatabase } from '../../support/temp-database';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { deleteBucketAndObjects, MACHINE_SERVICES } from '../../../scripts/faults/namespace';
import { loadFixture } from './fixture-data';

/**
 * This machine's services (started by scripts/services/ensure-services.sh), each used through a
 * private namespace so several runs can share them: a new database, a Redis key prefix and an S3
 * bucket per run, all removed afterwards. The addresses are the fault suite's (one definition).
 */
export const SERVICES = MACHINE_SERVICES;

export interface TestNamespace {
  database: TempDatabase;
  bucket: string;
  prefix(name: string): string;
  /** Environment for an app of this run (both apps read the keys they need). */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createTestNamespace(): Promise<TestNamespace> {
  const run = randomBytes(4).toString('hex');
  const database = await createTempDatabase(SERVICES.postgres, 'uptime_e2e');
  try {
    const dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
    await dataSource.initialize();
    try {
      await migrateUp(dataSource);
    } finally {
      await dataSource.destroy();
    }
    await loadFixture(database.url);
  } catch (error) {
    // Nothing else will drop it: the caller never gets the namespace.
    await database.drop().catch(() => undefined);
    throw error;
  }

  const bucket = `su-e2e-${run}`;
  const prefixes = new Set<string>();
  const prefix = (name: string) => {
    const value = `e2e-${run}-${name}`;
    prefixes.add(value);
    return value;
  };
  const env = (overrides: Record<string, string> = {}) => ({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_URL: database.url,
    DB_TIMEOUT_MS: '3000',
    REDIS_URL: SERVICES.redis,
    REDIS_PREFIX: prefix('main'),
    S3_ENDPOINT: SERVICES.s3Endpoint,
    S3_REGION: 'us-east-1',
    S3_BUCKET: bucket,
    S3_ACCESS_KEY_ID: SERVICES.s3AccessKey,
    S3_SECRET_ACCESS_KEY: SERVICES.s3Secret,
    S3_FORCE_PATH_STYLE: 'true',
    REPORT_URL_TTL_SECONDS: '600',
    REPORT_JOB_ATTEMPTS: '2',
    REPORT_JOB_BACKOFF_MS: '100',
    REPORT_SWEEP_SECONDS: '0',
    WORKER_DRAIN_SECONDS: '5',
    BULL_BOARD_USER: 'operator',
    BULL_BOARD_PASSWORD: 'correct-horse-battery',
    ...overrides,
  });

  return {
    database,
    bucket,
    prefix,
    env,
    cleanup: async () => {
      for (const name of prefixes) {
        for (const queueName of [QUEUES.reports, QUEUES.webhooks]) {
          const queue = new Queue(queueName, { connection: workerConnection(SERVICES.redis), prefix: name });
          await queue.obliterate({ force: true }).catch(() => undefined);
          await queue.close();
        }
      }
      await deleteBucketAndObjects(bucket);
      await database.drop();
    },
  };
}

/** Polls `read` until `done` holds (or the deadline passes, returning the last value). */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/**
 * GET a (presigned) URL with plain node:http and no keep-alive, as a client outside the service
 * would; unlike global fetch it leaves no pooled socket behind to keep Jest waiting.
 */
export function httpGet(url: string | URL): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** The worker's compiled compute thread (`npm run build`): the e2e worker runs the real thread from dist/. */
export const COMPILED_THREAD_ENTRY = join(__dirname, '..', '..', '..', 'dist', 'apps', 'worker', 'src', 'compute', 'compute.thread.js');

/**
 * An API key in the namespace's database, made through the library as `npm run keys -- create`
 * does (the key itself is returned once, as there).
 */
export async function createTestKey(databaseUrl: string, key: NewApiKey): Promise<string> {
  const dataSource = await new DataSource(dataSourceOptionsFromUrl(databaseUrl, { poolSize: 1 })).initialize();
  try {
    return (await new ApiKeysRepository(dataSource).create(key)).key;
  } finally {
    await dataSource.destroy();
  }
}
