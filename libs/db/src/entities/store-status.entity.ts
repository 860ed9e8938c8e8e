import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** Poll status values as stored; ingest normalises `' Active '` etc. to these before the COPY. */
export const PollStatus = { active: 'active', inactive: 'inactive' } as const;
export type PollStatus = (typeof PollStatus)[keyof typeof PollStatus];

/**
 * One poll of one store. Append-only history that grows every hour, so every read of it must be
 * bounded by an index (see report-window.ts). Partitioned by week of `timestamp_utc`
 * (poll-partitions.ts); TypeORM cannot express that either, the migrations are the source of truth.
 *
 * The surrogate `id` exists because exact duplicate polls are data (they both count in an hourly
 * majority, docs/uptime-spec.md) and so cannot be rejected by a natural key.
 * `store_id` uses the "C" collation: ids are opaque ASCII, and byte order makes the btree smaller
 * and the skip scan over stores faster than a linguistic collation would.
 */
@Entity({ name: 'store_status' })
@Check('store_status_status_known', `"status" IN ('active', 'inactive')`)
@Index('store_status_timestamp_idx', ['timestampUtc'])
export class StoreStatusEntity {
  // Primary key (store_id, timestamp_utc, id) INCLUDE (status): the window read's index, see the
  // migration. TypeORM cannot express INCLUDE; the migration is the source of truth.
  @PrimaryColumn({ name: 'store_id', type: 'text', collation: 'C' })
  storeId!: string;

  @PrimaryColumn({ name: 'timestamp_utc', type: 'timestamptz' })
  timestampUtc!: Date;

  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'text' })
  status!: PollStatus;
}
