import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InjectQueue } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QUEUES, withTimeout } from '@store-uptime/queue';
import { ApiProblems, ApiTextAnswer } from '../openapi/api-responses';
import { API_METRICS } from '../tokens';
import type { ApiMetrics } from './api-metrics';

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(API_METRICS) private readonly metrics: ApiMetrics,
    @InjectQueue(QUEUES.reports) private readonly queue: Queue,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({
    summary: 'Prometheus metrics',
    description: 'Request durations by route and status (status polls included: they are not access-logged), reports triggered and lost, queue jobs by state, process metrics.',
  })
  @ApiTextAnswer(200, 'Prometheus text format 0.0.4', 'text/plain', '# TYPE reports_triggered_total counter\nreports_triggered_total{method="hourly"} 3\n')
  @ApiProblems()
  async scrape(): Promise<string> {
    try {
      const counts = await withTimeout(this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed'), 1_000, 'Redis');
      for (const [state, count] of Object.entries(counts)) this.metrics.queueJobs.labels(state).set(count);
    } catch {
      // Redis down: the queue gauge keeps its last values; the scrape itself must still work.
    }
    return this.metrics.registry.metrics();
  }
}
