import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { ReportsRepository } from '@store-uptime/db';

/**
 * How often a worker asks PostgreSQL whether one of the reports it runs was cancelled. Polling
 * the row (one indexed query for all of this worker's reports, only while it runs any) rather
 * than a Redis pub/sub message: a message sent while this worker's subscriber reconnects is lost,
 * the row is not. Half a second keeps cancel → stopped well inside the 2 s promised.
 */
const CANCEL_POLL_MS = 500;

/** A cancelled report's abort reason (its signal's `reason`). */
export class ReportCancelled extends Error {
  override readonly name = 'ReportCancelled';
}

/**
 * Turns `POST /reports/{id}/cancel` (the row set to cancelled by the API) into an abort of the
 * report's work in this worker: the compute thread is stopped and the upload undone by whoever
 * holds the signal (ReportPipelineService).
 */
@Injectable()
export class ReportCancelWatch implements OnApplicationShutdown {
  /** Several per report when shards of one fanned-out report run on this worker at once. */
  private readonly running = new Map<string, Set<AbortController>>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly reports: ReportsRepository,
    @InjectPinoLogger('ReportCancelWatch') private readonly logger: PinoLogger,
  ) {}

  /** Watches `reportId` until `stop()`; the signal aborts once the report is cancelled. */
  watch(reportId: string): { signal: AbortSignal; stop(): void } {
    const controller = new AbortController();
    const watchers = this.running.get(reportId) ?? new Set<AbortController>();
    watchers.add(controller);
    this.running.set(reportId, watchers);
    this.timer ??= setInterval(() => void this.poll(), CANCEL_POLL_MS);
    return {
      signal: controller.signal,
      stop: () => {
        watchers.delete(controller);
        if (watchers.size === 0 && this.running.get(reportId) === watchers) this.running.delete(reportId);
        if (this.running.size === 0) this.clear();
      },
    };
  }

  private async poll(): Promise<void> {
    if (this.polling || this.running.size === 0) return;
    this.polling = true;
    try {
      for (const id of await this.reports.cancelledAmong([...this.running.keys()])) {
        for (const controller of this.running.get(id) ?? []) {
          if (controller.signal.aborted) continue;
          this.logger.info({ reportId: id }, 'report cancelled: stopping it');
          controller.abort(new ReportCancelled('the report was cancelled'));
        }
      }
    } catch (error) {
      // PostgreSQL not answering: the next tick asks again (and the final write is conditional anyway).
      this.logger.warn({ err: error }, 'could not check for cancelled reports');
    } finally {
      this.polling = false;
    }
  }

  private clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  onApplicationShutdown(): void {
    this.clear();
  }
}
