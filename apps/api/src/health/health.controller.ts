import { Controller, Get } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { pingQueueRedis, QUEUES, withTimeout } from '@store-uptime/queue';

const CHECK_TIMEOUT_MS = 2_000;

/**
 * Kubernetes probes. Liveness is the process alone (a Redis outage must not restart every API
 * pod); readiness is what serving needs: PostgreSQL and Redis. S3 is not checked: the API only
 * presigns, which is local.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
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
    ]);
  }
}
