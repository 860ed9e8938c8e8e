import 'reflect-metadata';
import { ConfigService } from '@nestjs/config';
import { Logger } from 'nestjs-pino';
import type { WorkerEnv } from '@store-uptime/config';
import { createWorkerApp } from './worker-app';

/** `npm run start:worker` = `node dist/apps/worker/src/main.js` (exec form, so SIGTERM reaches Node). */
async function bootstrap(): Promise<void> {
  const app = await createWorkerApp();
  const port = app.get(ConfigService<WorkerEnv, true>).get('WORKER_PORT', { infer: true });
  // Internal port: /health/live, /health/ready and /metrics only.
  await app.listen(port);
  app.get(Logger).log(`worker probes and metrics listening on ${await app.getUrl()} (/health/ready, /metrics)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Config errors carry a complete, secret-free message; anything else is a boot failure.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
