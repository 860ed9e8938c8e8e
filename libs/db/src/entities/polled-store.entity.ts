import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A store that has polls, and its earliest poll: the report's store list ("every store with at
 * least one poll at or before now", docs/uptime-spec.md). Kept by ingest beside every load of
 * store_status and refreshed by `npm run db:maintain` after it drops old partitions, because
 * finding the distinct stores of a table partitioned by time costs one index descent per store
 * in every partition (libs/db/src/poll-partitions.ts).
 */
@Entity({ name: 'polled_stores' })
export class PolledStoreEntity {
  @PrimaryColumn({ name: 'store_id', type: 'text', collation: 'C' })
  storeId!: string;

  @Column({ name: 'first_poll_utc', type: 'timestamptz' })
  firstPollUtc!: Date;
}
