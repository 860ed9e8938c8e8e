import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A store's IANA time zone as given. Not unique per store and not validated here: the spec says
 * the row that sorts first wins and an invalid name falls back to America/Chicago with a warning,
 * which the engine does, so the raw value must survive ingestion.
 */
@Entity({ name: 'store_timezones' })
// One store's rows, for the single-store read (store-window.ts).
@Index('store_timezones_store_id_idx', ['storeId'])
export class StoreTimezoneEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ name: 'store_id', type: 'text', collation: 'C' })
  storeId!: string;

  @Column({ name: 'timezone_str', type: 'text' })
  timezoneStr!: string;
}
