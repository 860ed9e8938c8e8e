import { Controller, Get, Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { pingQueueRedis, QUEUES, withTimeout } from '@store-uptime/queue';
import { describeS3Error, type ReportStorage } from '@store-uptime/storage';
import { REPORT_STORAGE } from '../tokens';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Kubernetes probes on the worker's internal port (novu's pattern: the worker is a Nest app so
 * probes can be HTTP). Liveness is the process alone — a dependency outage must not restart every
 * worker; readiness checks what a report needs: PostgreSQL, Redis and S3.
 */
@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
    @Inject(REPORT_STORAGE) private readonly storage: ReportStorage,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
      async () => {
        const indicator = this.indicators.check('redis');
        try {
          await withTimeout(pingQueueRedis(this.queue), CHECK_TIMEOUT_MS, 'Redis');
          return indicator.up();
        } catch (error) {
          return indicator.down({ message: error instanceof Error ? error.message : String(error) });
        }
      },
      async () => {
        const indicator = this.indicators.check('s3');
        try {
          const bucket = await withTimeout(this.storage.check(), CHECK_TIMEOUT_MS, 'S3');
          return indicator.up({ bucket });
        } catch (error) {
          return indicator.down({ message: describeS3Error(error) });
        }
      },
    ]);
  }
}
