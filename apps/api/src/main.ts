import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import type { ApiEnv } from '@store-uptime/config';
import { createApiApp } from './api-app';
import { API_ENV } from './tokens';

/** `npm run start:api` = `node dist/apps/api/src/main.js` (exec form, so SIGTERM reaches Node). */
async function bootstrap(): Promise<void> {
  const app = await createApiApp();
  await app.listen(app.get<ApiEnv>(API_ENV).PORT);
  const url = await app.getUrl();
  app.get(Logger).log(`API listening on ${url} (OpenAPI at ${url}/docs)`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  // Config errors carry a complete, secret-free message; anything else is a boot failure.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
