import { Module, type DynamicModule, type OnApplicationShutdown, Inject, Injectable } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { TypeOrmModule } from '@nestjs/typeorm';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { appLogOptions, loadAppConfig, pgPoolSettings, s3SettingsFromEnv, validateWorkerEnv, type AppConfigOptions } from '@store-uptime/config';
import { dataSourceOptionsFromUrl, ReportEntity, ReportRowsRepository, ReportsRepository, WebhooksRepository } from '@store-uptime/db';
import { EXTRA_READINESS_CHECKS, HealthController, readinessCheck } from '@store-uptime/health';
import { ListenedQueue, QUEUES } from '@store-uptime/queue';
import { describeS3Error, ReportStorage } from '@store-uptime/storage';
import { computePlan, createComputeRunner, type ComputeRunner } from './compute/compute-runner';
import { WorkerMetricsController } from './metrics/metrics.controller';
import { WorkerMetrics } from './metrics/worker-metrics';
import { ReportPipelineService } from './reports/report-pipeline.service';
import { ReportFanOut } from './reports/report-fan-out';
import { ReportSlices } from './reports/report-slices';
import { ReportCancelWatch } from './reports/report-cancel-watch';
import { ReportProcessor } from './reports/report.processor';
import { queueConnection, ReportWorker } from './reports/report-worker';
import { ReportSweeperService } from './reports/report-sweeper.service';
import { WebhookProcessor } from './webhooks/webhook.processor';
import { WebhookRelayService } from './webhooks/webhook-relay.service';
import { WebhookWorker } from './webhooks/webhook-worker';
import { COMPUTE_RUNNER, REPORT_STORAGE, WORKER_ENV, WORKER_METRICS } from './tokens';

/** A window read of the full data takes ~1 s; this bounds a stuck one without cutting a slow one short. */
const WINDOW_STATEMENT_TIMEOUT_MS = 300_000;

export interface WorkerModuleOptions extends AppConfigOptions {
  /** The compiled compute thread, when the app itself runs from the TypeScript sources (tests). */
  computeThreadEntry?: string;
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
  static async forRoot(options: WorkerModuleOptions = {}): Promise<DynamicModule> {
    // Connection errors are logged by the services; BullMQ's console fallback stays quiet (libs/queue/src/listened-queue.ts).
    BullModule.queueClass = ListenedQueue;
    // Every setting below comes from this validated environment, also provided whole as WORKER_ENV.
    const { configModule, env } = await loadAppConfig(validateWorkerEnv, options);
    // Checked before anything connects: a worker that cannot compute as configured does not start.
    const compute = computePlan(env.COMPUTE_MODE, options.computeThreadEntry);
    // The window loader's statements (a COPY of the week) run under this deadline, in the compute
    // threads' pools and, inline, in TypeORM's.
    const windowPoolSettings = pgPoolSettings(env, { statementTimeoutMs: WINDOW_STATEMENT_TIMEOUT_MS });
    return {
      module: WorkerModule,
      imports: [
        configModule,
        LoggerModule.forRoot({
          pinoHttp: {
            ...appLogOptions('worker', env),
            // Probes and scrapes every few seconds would drown the report lines.
            autoLogging: false,
          },
        }),
        TypeOrmModule.forRoot({
          ...dataSourceOptionsFromUrl(env.DATABASE_URL, { poolSize: env.DB_POOL_SIZE }),
          // No client read timeout: this pool also runs the window loader's COPY (inline mode).
          extra: windowPoolSettings,
          // Fail the boot after ~10 s rather than retrying for half a minute: Kubernetes restarts us.
          retryAttempts: 3,
          retryDelay: 2_000,
        }),
        TypeOrmModule.forFeature([ReportEntity]),
        BullModule.forRoot(queueConnection(env)),
        // The queue handle of the health check and the sweep; the Worker itself is ReportWorker.
        BullModule.registerQueue({ name: QUEUES.reports }),
        // The outbox relay's producer handle; the consumer is WebhookWorker.
        BullModule.registerQueue({ name: QUEUES.webhooks }),
        TerminusModule,
      ],
      // Served on the internal WORKER_PORT only (main.ts).
      controllers: [HealthController, WorkerMetricsController],
      providers: [
        ReportWorker,
        ReportProcessor,
        ReportPipelineService,
        ReportCancelWatch,
        ReportFanOut,
        ReportSlices,
        // Every write to the reports table goes through this one owner (libs/db).
        { provide: ReportsRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new ReportsRepository(dataSource) },
        // Each report's rows as data, written by the pipeline, deleted on cancel and at expiry.
        { provide: ReportRowsRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new ReportRowsRepository(dataSource) },
        ReportSweeperService,
        { provide: WebhooksRepository, inject: [DataSource], useFactory: (dataSource: DataSource) => new WebhooksRepository(dataSource) },
        WebhookRelayService,
        WebhookProcessor,
        WebhookWorker,
        WorkerResources,
        { provide: WORKER_ENV, useValue: env },
        { provide: WORKER_METRICS, useFactory: () => new WorkerMetrics() },
        { provide: REPORT_STORAGE, useFactory: () => new ReportStorage(s3SettingsFromEnv(env)) },
        {
          // A report ends with an upload: S3 must answer and accept the credentials (a missing
          // bucket is fine, the worker creates it).
          provide: EXTRA_READINESS_CHECKS,
          inject: [HealthIndicatorService, REPORT_STORAGE],
          useFactory: (indicators: HealthIndicatorService, storage: ReportStorage) => [
            readinessCheck(indicators, 's3', async () => ({ bucket: await storage.check() }), describeS3Error),
          ],
        },
        {
          provide: COMPUTE_RUNNER,
          inject: [DataSource],
          useFactory: (dataSource: DataSource): ComputeRunner =>
            createComputeRunner(compute, {
              dataSource,
              thread: { databaseUrl: env.DATABASE_URL, poolSettings: windowPoolSettings },
              threads: env.WORKER_CONCURRENCY,
            }),
        },
      ],
    };
  }
}
