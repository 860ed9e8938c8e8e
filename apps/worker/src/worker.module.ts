import { Module, type DynamicModule, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { LOG_REDACT_PATHS, pgPoolSettings, s3SettingsFromEnv, validateWorkerEnv, type WorkerEnv } from '@store-uptime/config';
import { dataSourceOptionsFromUrl, ReportEntity } from '@store-uptime/db';
import { QUEUES, workerConnection, ListenedQueue } from '@store-uptime/queue';
import { ReportStorage } from '@store-uptime/storage';
import { compiledThreadEntry, InlineComputeRunner, ThreadComputeRunner, type ComputeRunner } from './compute/compute-runner';
import { WorkerHealthController } from './health/worker-health.controller';
import { WorkerMetricsController } from './metrics/metrics.controller';
import { WorkerMetrics } from './metrics/worker-metrics';
import { ReportPipelineService } from './reports/report-pipeline.service';
import { ReportRecordsService } from './reports/report-records.service';
import { applyLockSettings, ReportProcessor } from './reports/report.processor';
import { ReportSweeperService } from './reports/report-sweeper.service';
import { COMPUTE_RUNNER, REPORT_STORAGE, WORKER_ENV, WORKER_METRICS } from './tokens';

/** A window read of the full data takes ~1 s; this bounds a stuck one without cutting a slow one short. */
const WINDOW_STATEMENT_TIMEOUT_MS = 300_000;

export interface WorkerModuleOptions {
  /** Values layered over the environment (tests run several apps in one process). */
  env?: Record<string, string>;
  /** Skip reading `.env` (tests must not depend on a developer's file). */
  ignoreEnvFile?: boolean;
}

/** Closes what Nest does not own: the compute threads and the S3 clients (after the drain). */
@Injectable()
class WorkerResources implements OnApplicationShutdown {
  constructor(
    @Inject(COMPUTE_RUNNER) private readonly compute: ComputeRunner,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.compute.close();
    this.storage.destroy();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions = {}): DynamicModule {
    // Connection errors are logged by the services; BullMQ's console fallback stays quiet (libs/queue/src/listened-queue.ts).
    BullModule.queueClass = ListenedQueue;
    // ConfigModule validates while forRoot runs (before any provider exists); the typed result is
    // also provided whole as WORKER_ENV for the factories below that need several keys.
    let validated: WorkerEnv | undefined;
    const configModule = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: options.ignoreEnvFile ?? false,
      validate: (env) => (validated = validateWorkerEnv({ ...env, ...options.env })),
    });
    const envProvider = {
      provide: WORKER_ENV,
      useFactory: () => {
        // Before @nestjs/bullmq builds the Worker from the processor's (static) options.
        applyLockSettings(validated!);
        return validated!;
      },
    };
    return {
      module: WorkerModule,
      imports: [
        configModule,
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<WorkerEnv, true>) => ({
            pinoHttp: {
              level: config.get('LOG_LEVEL', { infer: true }),
              base: { app: 'worker' },
              redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
              // Probes and scrapes every few seconds would drown the report lines.
              autoLogging: false,
            },
          }),
        }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<WorkerEnv, true>) => {
            const env = validated!;
            return {
              ...dataSourceOptionsFromUrl(config.get('DATABASE_URL', { infer: true }), { poolSize: 4 }),
              // No client read timeout: this pool also runs the window loader's COPY (inline mode).
              extra: pgPoolSettings(env, { statementTimeoutMs: WINDOW_STATEMENT_TIMEOUT_MS }),
              // Fail the boot after ~10 s rather than retrying for half a minute: Kubernetes restarts us.
              retryAttempts: 3,
              retryDelay: 2_000,
            };
          },
        }),
        TypeOrmModule.forFeature([ReportEntity]),
        BullModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<WorkerEnv, true>) => ({
            connection: workerConnection(config.get('REDIS_URL', { infer: true })),
            prefix: config.get('REDIS_PREFIX', { infer: true }),
          }),
        }),
        BullModule.registerQueue({ name: QUEUES.reports }),
        TerminusModule,
      ],
      controllers: [WorkerHealthController, WorkerMetricsController],
      providers: [
        ReportProcessor,
        ReportPipelineService,
        ReportRecordsService,
        ReportSweeperService,
        WorkerResources,
        envProvider,
        { provide: WORKER_METRICS, useFactory: () => new WorkerMetrics() },
        {
          provide: REPORT_STORAGE,
          inject: [WORKER_ENV],
          useFactory: (env: WorkerEnv) => new ReportStorage(s3SettingsFromEnv(env)),
        },
        {
          provide: COMPUTE_RUNNER,
          inject: [WORKER_ENV, DataSource],
          useFactory: (env: WorkerEnv, dataSource: DataSource): ComputeRunner => {
            const entry = compiledThreadEntry();
            if (!entry) return new InlineComputeRunner(dataSource);
            const runner = new ThreadComputeRunner(entry, {
              databaseUrl: env.DATABASE_URL,
              poolSettings: pgPoolSettings(env, { statementTimeoutMs: WINDOW_STATEMENT_TIMEOUT_MS }),
            });
            runner.warmUp(env.WORKER_CONCURRENCY);
            return runner;
          },
        },
      ],
    };
  }
}
