import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One opening interval of a store on one local weekday. Several rows per store and day are
 * normal (split shifts); `end_time_local <= start_time_local` means the interval ends the next day.
 */
@Entity({ name: 'business_hours' })
@Check('business_hours_day_of_week_range', `"day_of_week" BETWEEN 0 AND 6`)
// One store's rows (store-window.ts) and a shard's store range (report-window.ts), read from the
// index alone: it covers the row (INCLUDE, migration 1795800000070), which TypeORM cannot express,
// so the migration owns its definition and the schema check leaves it alone.
@Index('business_hours_store_id_idx', { synchronize: false })
export class BusinessHoursEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'store_id', type: 'text', collation: 'C' })
  storeId!: string;

  /** 0 = Monday … 6 = Sunday, as in the source files. */
  @Column({ name: 'day_of_week', type: 'smallint' })
  dayOfWeek!: number;

  @Column({ name: 'start_time_local', type: 'time' })
  startTimeLocal!: string;

  @Column({ name: 'end_time_local', type: 'time' })
  endTimeLocal!: string;
}
