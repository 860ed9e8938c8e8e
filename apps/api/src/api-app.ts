import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger, PinoLogger } from 'nestjs-pino';
import { ApiModule, type ApiModuleOptions } from './api.module';
import { requireJsonBodies } from './http/json-bodies';
import { buildOpenApiDocument } from './openapi/openapi-document';
import type { ApiMetrics } from './metrics/api-metrics';
import { installClientErrorProblems } from './problem/client-error';
import { helmetHeaders, installFastLanes } from './http/fast-lane';
import { statusFastLane } from './reports/status-fast-lane';
import { storeUptimeFastLane } from './stores/store-fast-lane';
import { StoresService } from './stores/stores.service';
import { ReportsService } from './reports/reports.service';
import { ApiKeyVerifier } from './auth/api-key-verifier';
import { API_METRICS } from './tokens';

export interface ApiAppOptions extends ApiModuleOptions {
  /** Register SIGTERM/SIGINT handlers (main.ts: yes; tests that start several apps: no). */
  shutdownHooks?: boolean;
}

/** JSON bodies here are a few fields; anything bigger is refused (413) before it is parsed. */
const JSON_BODY_LIMIT = '16kb';

/**
 * The API app, fully configured but not listening (main.ts listens on PORT; the end-to-end tests
 * drive it in-process with supertest).
 */
export async function createApiApp(options: ApiAppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(await ApiModule.forRoot(options), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const metrics = app.get<ApiMetrics>(API_METRICS);

  app.disable('x-powered-by');
  // Report state changes under the same URL; an ETag (a SHA-1 of every body) only costs time.
  app.set('etag', false);
  app.use(helmet());
  app.use(requestMetrics(metrics));
  app.use(requireJsonBodies());
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });

  const verifier = app.get(ApiKeyVerifier);
  if (!verifier.enabled) {
    app.get(Logger).warn('API_AUTH=off: every report route is open to anyone who reaches the API (local experiments only)', 'Bootstrap');
  }
  installFastLanes(app.getHttpServer(), { verifier, metrics, logger: withContext(await app.resolve(PinoLogger), 'FastLane') }, [
    statusFastLane(app.get(ReportsService)),
    storeUptimeFastLane(app.get(StoresService)),
  ]);

  // Requests Node's parser refuses never reach Express: answer them as problem+json too (client-error.ts).
  installClientErrorProblems(app.getHttpServer(), helmetHeaders());

  // Without it SIGTERM drops in-flight requests and leaves connections open.
  if (options.shutdownHooks ?? true) app.enableShutdownHooks();
  return app;
}

/** Request duration by route pattern (never by URL: ids must not become label values). */
function requestMetrics(metrics: ApiMetrics) {
  return (request: Request, response: Response, next: NextFunction) => {
    const stop = metrics.requests.startTimer();
    response.once('finish', () => {
      const route = (request.route as { path?: string } | undefined)?.path;
      stop({
        method: request.method,
        route: route === undefined ? 'unmatched' : `${request.baseUrl}${route}`,
        status: String(response.statusCode),
      });
    });
    next();
  };
}

function withContext(logger: PinoLogger, context: string): PinoLogger {
  logger.setContext(context);
  return logger;
}
