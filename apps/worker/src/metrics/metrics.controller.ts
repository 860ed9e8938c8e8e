import { Controller, Get, Header, Inject } from '@nestjs/common';
import { WORKER_METRICS } from '../tokens';
import type { WorkerMetrics } from './worker-metrics';

@Controller('metrics')
export class WorkerMetricsController {
  constructor(@Inject(WORKER_METRICS) private readonly metrics: WorkerMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
