import { Inject, Injectable, Module, RequestMethod, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { BullModule } from '@nestjs/bullmq';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { TypeOrmModule } from '@nestjs/typeorm';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { appLogOptions, loadAppConfig, pgPoolSettings, s3SettingsFromEnv, validateApiEnv, type ApiEnv, type AppConfigOptions } from '@store-uptime/config';
import { ApiKeysRepository, dataSourceOptionsFromUrl, ReportEntity, ReportRowsRepository, ReportsRepository, WebhooksRepository } from '@store-uptime/db';
import { ListenedQueue, producerConnection, QUEUES, statusReadConnection } from '@store-uptime/queue';
import { ReportStorage } from '@store-uptime/storage';
import { EXTRA_READINESS_CHECKS, HealthController } from '@store-uptime/health';
import { basicAuth, BULL_BOARD_PATH } from './admin/bull-board';
import { ReportPageController } from './report-page/report-page.controller';
import { ApiKeyGuard, rateLimitTracker } from './auth/api-key.guard';
import { ApiKeyVerifier } from './auth/api-key-verifier';
import { StrictQueryGuard } from './http/strict-query.guard';
import { ApiMetrics } from './metrics/api-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { CompatController } from './reports/compat.controller';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';
import { StoresController } from './stores/stores.controller';
import { StoresService } from './stores/stores.service';
import { API_ENV, API_METRICS, REPORT_STORAGE, STATUS_REDIS } from './tokens';
import { WebhookTargets } from './webhooks/webhook-targets';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

export type ApiModuleOptions = AppConfigOptions;

const UNLOGGED_PATHS = /^\/(health|metrics)(\/|$)/;

/** Closes the S3 clients and the status-read connection on shutdown (Nest owns the rest: TypeORM, BullMQ). */
@Injectable()
class ApiResources implements OnApplicationShutdown {
  constructor(
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
    @Inject(STATUS_REDIS) private readonly statusRedis: Redis,
  ) {}
  onApplicationShutdown(): void {
    this.storage.destroy();
    this.statusRedis.disconnect();
  }
}

@Module({})
export class ApiModule {
  static async forRoot(options: ApiModuleOptions = {}): Promise<DynamicModule> {
    // Connection errors are logged by the services; BullMQ's console fallback stays quiet (libs/queue/src/listened-queue.ts).
    BullModule.queueClass = ListenedQueue;
    // Every setting below comes from this validated environment, also provided whole as API_ENV.
    const { configModule, env } = await loadAppConfig(validateApiEnv, options);
    const triggerLimit = env.TRIGGER_RATE_LIMIT;
    return {
      module: ApiModule,
      imports: [
        configModule,
        LoggerModule.forRoot({
          pinoHttp: {
            ...appLogOptions('api', env),
            autoLogging: { ignore: (request) => UNLOGGED_PATHS.test(request.url ?? '') },
            // pino-http binds the request to a child logger on every request, serialising it
            // eagerly; the default serialiser copies (and redacts) every header. Method, URL, id
            // and user agent are what an access log needs.
            serializers: {
              req: (request: { id?: unknown; method?: string; url?: string; headers?: Record<string, unknown> }) => ({
                id: request.id,
                method: request.method,
                url: request.url,
                userAgent: request.headers?.['user-agent'],
              }),
            },
          },
          // Status polls are most of the traffic (clients poll every second or so) and the hot
          // path (≥ 5,000 reads/s, docs/service.md): no per-request logger or access line for
          // them. Their rate and latency are in /metrics; their 5xx are still logged.
          // Every form of a status poll: the original route (GET and POST) and GET /reports/{id}
          // (the download, a one-off, stays logged).
          exclude: [
            { path: 'get_report', method: RequestMethod.ALL },
            { path: 'reports/:id', method: RequestMethod.GET },
          ],
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptionsFromUrl(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE }),
          extra: pgPoolSettings(env, { clientReadTimeout: true }),
          retryAttempts: 3,
          retryDelay: 2_000,
        }),
        TypeOrmModule.forFeature([ReportEntity]),
        BullModule.forRoot({
          connection: producerConnection(env.REDIS_URL, env.REDIS_TIMEOUT_MS),
          prefix: env.REDIS_PREFIX,
          // Not skipWaitingForReady: BullMQ would then send its version check before the socket
          // is up, fail it (offline queue off) and stay broken. Until the first connection, queue
          // calls wait, and ReportsService's deadline turns the wait into a 503.
        }),
        // The API only produces: the reports queue's one consumer is the worker app's ReportWorker.
        BullModule.registerQueue({ name: QUEUES.reports }),
        ThrottlerModule.forRoot({
          // Named "default" so the 429 carries a plain Retry-After (other names get a suffix).
          throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(triggerLimit, 1) }],
          skipIf: () => triggerLimit === 0,
          // One budget for every trigger route (POST /reports, /trigger_report), per API key.
          generateKey: (_context, tracker) => `trigger:${tracker}`,
          getTracker: rateLimitTracker,
        }),
        TerminusModule,
        ...bullBoard(env),
      ],
      controllers: [CompatController, ReportsController, StoresController, WebhooksController, ReportPageController, HealthController, MetricsController],
      providers: [
        ReportsService,
        // Every write to the reports table goes through this one owner (libs/db).
        { provide: ReportsRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new ReportsRepository(dataSource) },
        // Reads of each report's rows (the worker writes them).
        { provide: ReportRowsRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new ReportRowsRepository(dataSource) },
        {
          provide: ApiKeyVerifier,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new ApiKeyVerifier(new ApiKeysRepository(dataSource), { enabled: env.API_AUTH === 'on', cacheTtlMs: env.API_KEY_CACHE_SECONDS * 1000 }),
        },
        // Checks the Bearer key of every route marked RequiresScope (every report route).
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        StoresService,
        // The API registers webhooks; the worker sends them (apps/worker/src/webhooks).
        { provide: WebhooksRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new WebhooksRepository(dataSource) },
        WebhooksService,
        WebhookTargets,
        ApiResources,
        { provide: API_ENV, useValue: env },
        { provide: API_METRICS, useFactory: () => new ApiMetrics() },
        { provide: REPORT_STORAGE, useFactory: () => new ReportStorage(s3SettingsFromEnv(env)) },
        { provide: STATUS_REDIS, useFactory: () => new Redis(statusReadConnection(env.REDIS_URL, env.REDIS_TIMEOUT_MS)) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_GUARD, useClass: StrictQueryGuard },
        // S3 is not checked: the API only presigns URLs, which needs no request to S3.
        { provide: EXTRA_READINESS_CHECKS, useValue: [] },
      ],
      exports: [API_ENV, API_METRICS],
    };
  }
}

/**
 * Bull Board (the operators' queue UI) at BULL_BOARD_PATH behind basic auth, mounted only when
 * both credentials are set, so a forgotten secret cannot expose it.
 */
function bullBoard(env: ApiEnv): DynamicModule[] {
  if (!env.BULL_BOARD_USER || !env.BULL_BOARD_PASSWORD) return [];
  return [
    BullBoardModule.forRoot({
      route: BULL_BOARD_PATH,
      adapter: ExpressAdapter,
      middleware: basicAuth(env.BULL_BOARD_USER, env.BULL_BOARD_PASSWORD),
    }),
    BullBoardModule.forFeature({ name: QUEUES.reports, adapter: BullMQAdapter }),
  ];
}
