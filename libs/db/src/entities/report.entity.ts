import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReportWarning, UptimeMethod } from '@store-uptime/uptime';

/**
 * Lifecycle of a report (transitions: libs/db/src/reports/report-transitions.ts); the legacy
 * `/get_report` answers `Running` for both queued and running.
 */
export const ReportStatus = {
  queued: 'queued',
  running: 'running',
  complete: 'complete',
  failed: 'failed',
  cancelled: 'cancelled',
  expired: 'expired',
} as const;
export type ReportStatus = (typeof ReportStatus)[keyof typeof ReportStatus];

/**
 * The durable record of one report. Redis/BullMQ only carries the job; this row is what the API
 * reads when a client polls, so it must survive a Redis flush and a worker crash.
 *
 * Column names are snake_case in SQL and camelCase in TypeScript. Times are `timestamptz`
 * (microseconds in SQL; a JS `Date` holds milliseconds, which is all the API shows).
 */
@Entity({ name: 'reports' })
@Check('reports_id_hex', `"id" ~ '^[0-9a-f]{32}$'`)
@Check('reports_status_known', `"status" IN ('queued', 'running', 'complete', 'failed', 'cancelled', 'expired')`)
@Check('reports_method_known', `"method" IN ('hourly', 'step')`)
@Check('reports_progress_range', `"progress" >= 0 AND "progress" <= 1`)
@Check('reports_warnings_list', `jsonb_typeof("warnings") = 'array'`)
// The listing's keyset indexes (why: migration 1795800000010).
@Index('reports_created_at_id_idx', ['createdAt', 'id'])
@Index('reports_status_created_at_id_idx', ['status', 'createdAt', 'id'])
@Index('reports_method_created_at_id_idx', ['method', 'createdAt', 'id'])
@Index('reports_status_method_created_at_id_idx', ['status', 'method', 'createdAt', 'id'])
export class ReportEntity {
  /** 32 lowercase hex characters (128 random bits) made by the API; unguessable, so it doubles as the capability to read the report. */
  @PrimaryColumn({ type: 'char', length: 32 })
  id!: string;

  @Column({ type: 'text', default: ReportStatus.queued })
  status!: ReportStatus;

  /** The reference time asked for; null means "the latest poll" (resolved when the report runs, see `nowUsed`). */
  @Column({ name: 'as_of', type: 'timestamptz', nullable: true })
  asOf!: Date | null;

  @Column({ type: 'text', default: 'hourly' })
  method!: UptimeMethod;

  /** 0…1, for clients that show a progress bar. */
  @Column({ type: 'real', default: 0 })
  progress!: number;

  @Column({ name: 'stores_count', type: 'int', nullable: true })
  storesCount!: number | null;

  /** Polls later than `now` in the report's week, left out of it (docs/uptime-spec.md). */
  @Column({ name: 'polls_after_now', type: 'int', nullable: true })
  pollsAfterNow!: number | null;

  /** The `now` the report actually used (asOf, or the latest poll at the time it ran). */
  @Column({ name: 'now_used', type: 'timestamptz', nullable: true })
  nowUsed!: Date | null;

  /** What the numbers alone do not say (no polls, zone fallbacks); empty until complete. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  warnings!: ReportWarning[];

  /** Why the report failed; shown to the client, so no stack traces or internals. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 's3_key', type: 'text', nullable: true })
  s3Key!: string | null;

  /** How many times a worker started this report (BullMQ retries included). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
