import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ReportEntity, ReportStatus } from '@store-uptime/db';
import type { ReportWarning } from '@store-uptime/uptime';
import { isReportId } from '@store-uptime/queue';

const UNFINISHED = [ReportStatus.queued, ReportStatus.running];

/**
 * TypeORM drops `undefined` from a where object, so an update keyed by a missing id would touch
 * every row: refuse anything that is not a report id before building a query.
 */
function checked(id: string): string {
  if (!isReportId(id)) throw new Error(`not a report id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * The worker's writes to the durable reports row, one method per transition
 * (queued → running → complete | failed, and back to queued between retries). Updates that end a
 * report are conditional, so a late or repeated writer (the sweep, a second worker after a stall)
 * cannot turn a complete report back into a failed one.
 */
@Injectable()
export class ReportRecordsService {
  constructor(@InjectRepository(ReportEntity) private readonly reports: Repository<ReportEntity>) {}

  find(id: string): Promise<ReportEntity | null> {
    return this.reports.findOneBy({ id: checked(id) });
  }

  async markRunning(id: string, progress: number): Promise<void> {
    await this.reports
      .createQueryBuilder()
      .update()
      .set({
        status: ReportStatus.running,
        progress,
        startedAt: () => 'now()',
        finishedAt: null,
        error: null,
        attempts: () => 'attempts + 1',
      })
      .where({ id: checked(id) })
      .execute();
  }

  async setProgress(id: string, progress: number): Promise<void> {
    await this.reports.update({ id: checked(id), status: ReportStatus.running }, { progress });
  }

  async markComplete(
    id: string,
    outcome: { s3Key: string; storesCount: number; rowsSkipped: number; nowUsed: Date | null; warnings: ReportWarning[] },
  ): Promise<void> {
    await this.reports
      .createQueryBuilder()
      .update()
      .set({
        status: ReportStatus.complete,
        progress: 1,
        s3Key: outcome.s3Key,
        storesCount: outcome.storesCount,
        rowsSkipped: outcome.rowsSkipped,
        nowUsed: outcome.nowUsed,
        warnings: () => ':warnings::jsonb',
        error: null,
        finishedAt: () => 'now()',
      })
      .where({ id: checked(id) })
      .setParameter('warnings', JSON.stringify(outcome.warnings))
      .execute();
  }

  /** Between attempts: queued again (BullMQ will retry after its backoff), with the last error kept for operators. */
  async markRetrying(id: string, error: string): Promise<void> {
    await this.reports.update({ id: checked(id), status: In(UNFINISHED) }, { status: ReportStatus.queued, progress: 0, error });
  }

  /** Handed back to the queue unfinished (worker shutting down); the next worker starts afresh. */
  async markRequeued(id: string): Promise<void> {
    await this.reports.update({ id: checked(id), status: In(UNFINISHED) }, { status: ReportStatus.queued, progress: 0 });
  }

  /** Final failure; returns whether this call changed the row. */
  async markFailed(id: string, error: string): Promise<boolean> {
    const result = await this.reports
      .createQueryBuilder()
      .update()
      .set({ status: ReportStatus.failed, error, finishedAt: () => 'now()' })
      .where({ id: checked(id), status: In(UNFINISHED) })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Unfinished reports older than `olderThanSeconds` (candidates for the lost-job sweep), oldest first. */
  findUnfinishedOlderThan(olderThanSeconds: number, limit: number): Promise<Pick<ReportEntity, 'id' | 'status'>[]> {
    return this.reports
      .createQueryBuilder('report')
      .select(['report.id', 'report.status'])
      .where({ status: In(UNFINISHED) })
      .andWhere(`report.created_at < now() - make_interval(secs => :seconds)`, { seconds: olderThanSeconds })
      .orderBy('report.created_at', 'ASC')
      .limit(limit)
      .getMany();
  }
}
