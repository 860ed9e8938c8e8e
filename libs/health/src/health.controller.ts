import { Controller, Get, Inject } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { pingQueueRedis, QUEUES, withTimeout } from '@store-uptime/queue';

/** Readiness checks an app adds to PostgreSQL and Redis (the worker: S3); the API adds none. */
export const EXTRA_READINESS_CHECKS = Symbol('ExtraReadinessChecks');

/** A dependency that has not answered in 2 s is not ready; the probe itself must answer well within its own timeout. */
const CHECK_TIMEOUT_MS = 2_000;

/**
 * A readiness check named `key`: up (with what `probe` resolves to) when it answers within the
 * deadline, down with the reason otherwise.
 */
export function readinessCheck(
  indicators: HealthIndicatorService,
  key: string,
  probe: () => Promise<Record<string, unknown> | void>,
  describe: (error: unknown) => string = (error) => (error instanceof Error ? error.message : String(error)),
): HealthIndicatorFunction {
  return async () => {
    const indicator = indicators.check(key);
    try {
      const details = await withTimeout(probe(), CHECK_TIMEOUT_MS, key);
      return indicator.up(details ?? {});
    } catch (error) {
      return indicator.down({ message: describe(error) });
    }
  };
}

/**
 * Answers as the API's OpenAPI document declares them (its components: HealthStatus, Problem); the
 * 400 and 500 answers every operation has are the document's own (apps/api/src/openapi).
 */
const HEALTHY = { description: 'Healthy', content: { 'application/json': { schema: { $ref: '#/components/schemas/HealthStatus' } } } };

/** Terminus's own documentation is OpenAPI 3.0-style and would be merged into the answers above. */
const HEALTH_CHECK_OPTIONS = { noCache: true, swaggerDocumentation: false };

/**
 * Kubernetes probes, the same in both apps (the worker serves them on its internal port).
 * Liveness is the process alone: a dependency outage must not restart every pod. Readiness is
 * what the app needs to do its work: PostgreSQL and the queue's Redis, plus EXTRA_READINESS_CHECKS.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
    @Inject(EXTRA_READINESS_CHECKS) private readonly extraChecks: HealthIndicatorFunction[],
  ) {}

  @Get('live')
  @ApiOperation({ summary: 'Liveness', description: 'The process answers; no dependency is checked (an outage must not restart every pod).' })
  @ApiResponse({ status: 200, ...HEALTHY })
  @HealthCheck(HEALTH_CHECK_OPTIONS)
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness', description: 'PostgreSQL and Redis (the worker: S3 too) each answer within 2 s.' })
  @ApiResponse({ status: 200, ...HEALTHY })
  @ApiResponse({
    status: 503,
    description: 'A dependency is down: each check in `checks`',
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  })
  @HealthCheck(HEALTH_CHECK_OPTIONS)
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: CHECK_TIMEOUT_MS }),
      readinessCheck(this.indicators, 'redis', () => pingQueueRedis(this.queue)),
      ...this.extraChecks,
    ]);
  }
}
