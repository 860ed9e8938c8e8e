import { Inject, Injectable, Module, RequestMethod, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { LOG_REDACT_PATHS, pgPoolSettings, s3SettingsFromEnv, validateApiEnv, type ApiEnv } from '@store-uptime/config';
import { dataSourceOptionsFromUrl, ReportEntity } from '@store-uptime/db';
import { producerConnection, QUEUES, ListenedQueue } from '@store-uptime/queue';
import { ReportStorage } from '@store-uptime/storage';
import { HealthController } from './health/health.controller';
import { ApiMetrics } from './metrics/api-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { ProblemDetailsFilter } from './problem/problem-details.filter';
import { CompatController } from './reports/compat.controller';
import { ReportsController } from './reports/reports.controller';
import { ReportsService } from './reports/reports.service';
import { API_ENV, API_METRICS, REPORT_STORAGE } from './tokens';

export interface ApiModuleOptions {
  /** Values layered over the environment (tests run several apps in one process). */
  env?: Record<string, string>;
  /** Skip reading `.env` (tests must not depend on a developer's file). */
  ignoreEnvFile?: boolean;
}

const UNLOGGED_PATHS = /^\/(health|metrics)(\/|$)/;

/** Closes the S3 clients on shutdown (Nest owns the rest: TypeORM, BullMQ). */
@Injectable()
class ApiResources implements OnApplicationShutdown {
  constructor(@Inject(REPORT_STORAGE) private readonly storage: ReportStorage) {}
  onApplicationShutdown(): void {
    this.storage.destroy();
  }
}

@Module({})
export class ApiModule {
  static forRoot(options: ApiModuleOptions = {}): DynamicModule {
    // Connection errors are logged by the services; BullMQ's console fallback stays quiet (libs/queue/src/listened-queue.ts).
    BullModule.queueClass = ListenedQueue;
    // ConfigModule validates while forRoot runs; the typed result is also provided whole as API_ENV.
    let validated: ApiEnv | undefined;
    const configModule = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: options.ignoreEnvFile ?? false,
      validate: (env) => (validated = validateApiEnv({ ...env, ...options.env })),
    });
    return {
      module: ApiModule,
      imports: [
        configModule,
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<ApiEnv, true>) => ({
            pinoHttp: {
              level: config.get('LOG_LEVEL', { infer: true }),
              base: { app: 'api' },
              redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
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
            // Status polls are most of the traffic (clients poll every second or so) and the
            // hot path (issue 4: ≥ 5,000 reads/s): no per-request logger or access line for them.
            // Their rate and latency are in /metrics; their errors are still logged.
            exclude: [{ path: 'get_report', method: RequestMethod.ALL }],
          }),
        }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<ApiEnv, true>) => ({
            ...dataSourceOptionsFromUrl(config.get('DATABASE_URL', { infer: true }), { poolSize: 10 }),
            extra: pgPoolSettings(validated!, { clientReadTimeout: true }),
            retryAttempts: 3,
            retryDelay: 2_000,
          }),
        }),
        TypeOrmModule.forFeature([ReportEntity]),
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<ApiEnv, true>) => ({
            connection: producerConnection(config.get('REDIS_URL', { infer: true }), config.get('REDIS_TIMEOUT_MS', { infer: true })),
            prefix: config.get('REDIS_PREFIX', { infer: true }),
            // Not skipWaitingForReady: BullMQ would then send its version check before the socket
            // is up, fail it (offline queue off) and stay broken. Until the first connection, queue
            // calls wait, and ReportsService's deadline turns the wait into a 503.
          }),
        }),
        // The API only produces: no processor is provided here (house style; worker-only).
        BullModule.registerQueue({ name: QUEUES.reports }),
        ThrottlerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<ApiEnv, true>) => {
            const limit = config.get('TRIGGER_RATE_LIMIT', { infer: true });
            return {
              // Named "default" so the 429 carries a plain Retry-After (other names get a suffix).
              throttlers: [{ name: 'default', ttl: 60_000, limit: Math.max(limit, 1) }],
              skipIf: () => limit === 0,
              // One budget for every trigger route (POST /reports, /trigger_report), per client.
              generateKey: (_context, tracker) => `trigger:${tracker}`,
            };
          },
        }),
        TerminusModule,
      ],
      controllers: [CompatController, ReportsController, HealthController, MetricsController],
      providers: [
        ReportsService,
        ApiResources,
        { provide: API_ENV, useFactory: () => validated! },
        { provide: API_METRICS, useFactory: () => new ApiMetrics() },
        { provide: REPORT_STORAGE, inject: [API_ENV], useFactory: (env: ApiEnv) => new ReportStorage(s3SettingsFromEnv(env)) },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
      exports: [API_ENV, API_METRICS],
    };
  }
}
