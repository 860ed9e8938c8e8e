import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { WorkerModule, type WorkerModuleOptions } from './worker.module';

export interface WorkerAppOptions extends WorkerModuleOptions {
  /** Register SIGTERM/SIGINT handlers (main.ts: yes; tests that start several apps: no). */
  shutdownHooks?: boolean;
}

/** The worker app, configured but not listening: main.ts listens on WORKER_PORT, tests may not. */
export async function createWorkerApp(options: WorkerAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(await WorkerModule.forRoot(options), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  // Without it SIGTERM kills running reports mid-way instead of draining them (ReportWorker).
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  return app;
}
