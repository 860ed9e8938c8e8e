import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { createApiApp } from '../../apps/api/src/api-app';
import { createTempDatabase } from '../../test/support/temp-database';
import { MACHINE_SERVICES } from '../faults/namespace';

/**
 * The OpenAPI document exactly as the running API serves it: the app is started (in this process,
 * on this machine's PostgreSQL and Redis, in a database and Redis prefix of its own that are removed
 * afterwards), listens on a free port, and `/docs-json` is fetched over HTTP.
 */
export async function fetchServedDocument(): Promise<Record<string, unknown>> {
  const run = randomBytes(4).toString('hex');
  const database = await createTempDatabase(MACHINE_SERVICES.postgres, 'uptime_openapi');
  const prefix = `openapi-${run}`;
  try {
    const app = await createApiApp({
      env: {
        LOG_LEVEL: 'warn',
        DATABASE_URL: database.url,
        REDIS_URL: MACHINE_SERVICES.redis,
        REDIS_PREFIX: prefix,
        S3_ENDPOINT: MACHINE_SERVICES.s3Endpoint,
        S3_BUCKET: `su-openapi-${run}`,
        S3_ACCESS_KEY_ID: MACHINE_SERVICES.s3AccessKey,
        S3_SECRET_ACCESS_KEY: MACHINE_SERVICES.s3Secret,
        S3_FORCE_PATH_STYLE: 'true',
        // Bull Board mounted, as in a deployment that sets its credentials.
        BULL_BOARD_USER: 'openapi',
        BULL_BOARD_PASSWORD: randomBytes(12).toString('hex'),
      },
      ignoreEnvFile: true,
      shutdownHooks: false,
    });
    try {
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`${await app.getUrl()}/docs-json`);
      if (!response.ok) throw new Error(`/docs-json answered ${response.status}`);
      return (await response.json()) as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(MACHINE_SERVICES.redis), prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await database.drop();
  }
}
