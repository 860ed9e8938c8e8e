import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An `Idempotency-Key` a client sent with a trigger, and the report it started. The primary key is
 * the unique constraint that makes a retried (or doubled) trigger start one report only, across
 * API replicas and restarts. Written and read only by ReportsRepository.
 */
@Entity({ name: 'report_idempotency_keys' })
export class ReportIdempotencyKeyEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** The trigger's parameters in canonical form: the same key with other parameters is refused. */
  @Column({ type: 'text' })
  fingerprint!: string;

  @Column({ name: 'report_id', type: 'char', length: 32 })
  reportId!: string;

  /** Keys are honoured for 24 hours from here (IDEMPOTENCY_KEY_TTL_HOURS). */
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;
}
