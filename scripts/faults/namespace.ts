import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { localServices } from '@store-uptime/config';
import { dataSourceOptionsFromUrl, ingestFiles, migrateUp } from '@store-uptime/db';
import { createTempDatabase, type TempDatabase } from '../../test/support/temp-database';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { REPO_ROOT } from './processes';

/**
 * The machine's services (scripts/services/ensure-services.sh starts them; defaults in
 * libs/config/src/local-services.ts, overridden by `TEST_DATABASE_URL`, `TEST_REDIS_URL`,
 * `TEST_S3_*`). `postgres` is the server each run creates its own database on. Fault tests replace
 * PostgreSQL or Redis with a private instance where they break it; S3 is reached through a proxy
 * of the test's own when it must be cut. Shared by the fault suite and the end-to-end support.
 */
const testServices = localServices(process.env, 'TEST_');
export const MACHINE_SERVICES = {
  postgres: testServices.databaseUrl,
  redis: testServices.redisUrl,
  s3Endpoint: testServices.s3.endpoint,
  s3AccessKey: testServices.s3.accessKeyId,
  s3Secret: testServices.s3.secretAccessKey,
};

/** The committed end-to-end fixture: 8 stores, 9 days of polls (the expected report is computed from the same files). */
export const FIXTURE_FILES = {
  polls: join(REPO_ROOT, 'test/e2e/fixtures/polls.csv'),
  hours: join(REPO_ROOT, 'test/e2e/fixtures/menu_hours.csv'),
  timezones: join(REPO_ROOT, 'test/e2e/fixtures/timezones.csv'),
};

export interface Namespace {
  run: string;
  database: TempDatabase;
  bucket: string;
  prefix: string;
  redisUrl: string;
  /** Environment shared by the API and the worker of this namespace (each reads the keys it needs). */
  env(overrides?: Record<string, string>): Record<string, string>;
  cleanup(): Promise<void>;
}

export interface NamespaceOptions {
  /** Server URL to create the database on (default: the machine's PostgreSQL). */
  postgresServer?: string;
  redisUrl?: string;
  label?: string;
}

/**
 * A database (migrated, fixture loaded with the project's own ingest), a Redis key prefix and an S3
 * bucket for one test file or benchmark run, all removed by `cleanup()`: several runs share the
 * machine's services at once, and none may see or leave behind another's data.
 */
export async function createNamespace(options: NamespaceOptions = {}): Promise<Namespace> {
  const label = options.label ?? 'faults';
  const run = randomBytes(4).toString('hex');
  const database = await createTempDatabase(options.postgresServer ?? MACHINE_SERVICES.postgres, `uptime_${label.replace(/\W/g, '_')}`);
  try {
    const dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
    await dataSource.initialize();
    try {
      await migrateUp(dataSource);
    } finally {
      await dataSource.destroy();
    }
    const pool = new Pool({ connectionString: database.url, max: 1 });
    try {
      await ingestFiles(pool, FIXTURE_FILES);
    } finally {
      await pool.end();
    }
  } catch (error) {
    await database.drop().catch(() => undefined);
    throw error;
  }
  const bucket = `su-${label.slice(0, 12).replace(/[^a-z0-9]/g, '-')}-${run}`;
  const prefix = `${label}-${run}`;
  const redisUrl = options.redisUrl ?? MACHINE_SERVICES.redis;
  return {
    run,
    database,
    bucket,
    prefix,
    redisUrl,
    env: (overrides = {}) => ({
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      DB_TIMEOUT_MS: '3000',
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      S3_ENDPOINT: MACHINE_SERVICES.s3Endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: MACHINE_SERVICES.s3AccessKey,
      S3_SECRET_ACCESS_KEY: MACHINE_SERVICES.s3Secret,
      S3_FORCE_PATH_STYLE: 'true',
      REPORT_URL_TTL_SECONDS: '600',
      REPORT_JOB_ATTEMPTS: '4',
      REPORT_JOB_BACKOFF_MS: '300',
      REPORT_SWEEP_SECONDS: '0',
      WORKER_DRAIN_SECONDS: '5',
      TRIGGER_RATE_LIMIT: '0',
      ...overrides,
    }),
    cleanup: async () => {
      for (const name of [QUEUES.reports, QUEUES.webhooks]) await obliterateQueue(redisUrl, prefix, name);
      await deleteBucketAndObjects(bucket);
      await database.drop().catch(() => undefined);
    },
  };
}

async function obliterateQueue(redisUrl: string, prefix: string, name: string): Promise<void> {
  const queue = new Queue(name, { connection: { ...workerConnection(redisUrl), retryStrategy: () => null }, prefix });
  queue.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([queue.obliterate({ force: true }), new Promise((resolve) => (timer = setTimeout(resolve, 5_000)))]);
  } catch {
    // Redis gone (a private instance already stopped): nothing left to remove.
  } finally {
    clearTimeout(timer);
    await queue.close().catch(() => undefined);
  }
}

function machineS3Client(): S3Client {
  return new S3Client({
    endpoint: MACHINE_SERVICES.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: MACHINE_SERVICES.s3AccessKey, secretAccessKey: MACHINE_SERVICES.s3Secret },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The keys in `bucket` (every page). */
export async function listKeys(bucket: string): Promise<string[]> {
  const s3 = machineS3Client();
  const keys: string[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      for (const object of page.Contents ?? []) keys.push(object.Key!);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    s3.destroy();
  }
  return keys;
}

/**
 * Empties a test bucket of the machine's S3 and removes it; a bucket that was never created (no
 * report ran) is not an error. Shared by the fault suite, the end-to-end support and bench:service.
 */
export async function deleteBucketAndObjects(bucket: string): Promise<void> {
  const s3 = machineS3Client();
  try {
    const keys = await listKeys(bucket).catch(() => [] as string[]);
    // One DELETE per key, 16 at a time: the batch delete needs a Content-MD5 that recent SDKs
    // replace with a CRC the S3-compatible servers do not all accept.
    const pending = [...keys];
    const deleteNext = async (): Promise<void> => {
      for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
        await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      }
    };
    await Promise.all(Array.from({ length: 16 }, deleteNext));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    // never created (no report ran): nothing to remove
  } finally {
    s3.destroy();
  }
}
