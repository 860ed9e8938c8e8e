import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { LOST_REPORTS_METRIC } from '@store-uptime/queue';

/**
 * The API's Prometheus metrics, in a registry of its own (not prom-client's global one) so an API
 * and a worker can share a process, as in the end-to-end tests.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly triggered = new Counter({
    name: 'reports_triggered_total',
    help: 'Reports triggered, by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });

  readonly lost = new Counter({ ...LOST_REPORTS_METRIC, registers: [this.registry] });

  readonly cancelled = new Counter({
    name: 'reports_cancelled_total',
    help: 'Reports cancelled, by the state they were cancelled in (queued, running).',
    labelNames: ['from'] as const,
    registers: [this.registry],
  });

  readonly queueJobs = new Gauge({
    name: 'report_queue_jobs',
    help: 'Jobs in the reports queue by state (read from Redis on scrape).',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
