import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LOST_REPORTS_METRIC } from '@store-uptime/queue';

/**
 * The worker's Prometheus metrics, in a registry of its own (not prom-client's global one) so an
 * API and a worker can live in one process, as they do in the end-to-end tests.
 */
export class WorkerMetrics {
  readonly registry = new Registry();

  readonly jobs = new Counter({
    name: 'report_jobs_total',
    help: 'Report job attempts by outcome (complete, retry, failed, requeued, cancelled).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly reportSeconds = new Histogram({
    name: 'report_duration_seconds',
    help: 'Time from a worker starting a report to the report being complete.',
    buckets: [0.25, 0.5, 1, 1.5, 2, 2.5, 3, 5, 10, 30, 60],
    registers: [this.registry],
  });

  readonly stageSeconds = new Histogram({
    name: 'report_stage_duration_seconds',
    help: 'Time per report stage (load, compute, rows: the rows written to PostgreSQL, upload).',
    labelNames: ['stage'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly lostReports = new Counter({ ...LOST_REPORTS_METRIC, registers: [this.registry] });

  readonly expiredReports = new Counter({
    name: 'reports_expired_total',
    help: 'Complete reports past REPORT_RETENTION_DAYS whose CSV the sweep deleted (now expired).',
    registers: [this.registry],
  });

  readonly webhookAttempts = new Counter({
    name: 'webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, retrying, failed: the last attempt failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Times consecutive stages: each `done(stage)` records the time since the previous one. */
  stageTimer(): { done(stage: 'load' | 'compute' | 'rows' | 'upload'): void } {
    let last = performance.now();
    return {
      done: (stage) => {
        const now = performance.now();
        this.stageSeconds.labels(stage).observe((now - last) / 1000);
        last = now;
      },
    };
  }
}
