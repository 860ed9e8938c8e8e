import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `store_status` becomes a table partitioned by week of `timestamp_utc` (libs/db/src/poll-partitions.ts
 * explains the choice), so retention drops whole partitions and the window read touches only the
 * weeks it needs; `polled_stores` lists every store with polls and its earliest poll, so the report's
 * store list no longer walks every partition (report-window.ts).
 *
 * An existing table keeps its rows (and their ids): it is renamed, its rows are copied into the new
 * table's weekly partitions, and it is dropped, all in this migration's transaction. That copy
 * takes as long as the table is big (≈ a bulk ingest of the same rows); migrations run as a
 * one-off job before the new apps start. Partition names and week boundaries are written out here,
 * not imported, so this migration means the same thing whatever later code does.
 */
export class PartitionStoreStatus1795800000020 implements MigrationInterface {
  name = 'PartitionStoreStatus1795800000020';

  async up(queryRunner: QueryRunner): Promise<void> {
    await renameAside(queryRunner, 'store_status_unpartitioned');
    await queryRunner.query(`
      CREATE TABLE "store_status" (
        "id" bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "status" text NOT NULL,
        "timestamp_utc" timestamptz NOT NULL,
        CONSTRAINT "store_status_pkey" PRIMARY KEY ("store_id", "timestamp_utc", "id") INCLUDE ("status"),
        CONSTRAINT "store_status_status_known" CHECK ("status" IN ('active', 'inactive'))
      ) PARTITION BY RANGE ("timestamp_utc")`);
    await queryRunner.query(`CREATE INDEX "store_status_timestamp_idx" ON "store_status" ("timestamp_utc")`);
    await queryRunner.query(`
      CREATE TABLE "polled_stores" (
        "store_id" text COLLATE "C" NOT NULL,
        "first_poll_utc" timestamptz NOT NULL,
        CONSTRAINT "polled_stores_pkey" PRIMARY KEY ("store_id")
      )`);
    // One partition per week that has rows; weeks start on Monday 00:00 UTC (2000-01-03 was one).
    await queryRunner.query(`
      DO $$
      DECLARE week timestamptz;
      BEGIN
        FOR week IN
          SELECT DISTINCT date_bin('7 days', timestamp_utc, timestamptz '2000-01-03 00:00:00+00') FROM store_status_unpartitioned
        LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF store_status FOR VALUES FROM (%L) TO (%L)',
            'store_status_w' || to_char(week AT TIME ZONE 'UTC', 'YYYYMMDD'), week, week + interval '7 days');
        END LOOP;
      END $$`);
    await queryRunner.query(`
      INSERT INTO store_status (id, store_id, status, timestamp_utc) OVERRIDING SYSTEM VALUE
      SELECT id, store_id, status, timestamp_utc FROM store_status_unpartitioned`);
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence('store_status', 'id'), max(id)) FROM store_status HAVING max(id) IS NOT NULL`);
    await queryRunner.query(`
      INSERT INTO polled_stores (store_id, first_poll_utc)
      SELECT store_id, min(timestamp_utc) FROM store_status_unpartitioned GROUP BY store_id`);
    await queryRunner.query(`DROP TABLE store_status_unpartitioned`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await renameAside(queryRunner, 'store_status_partitioned');
    await queryRunner.query(`
      CREATE TABLE "store_status" (
        "id" bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "status" text NOT NULL,
        "timestamp_utc" timestamptz NOT NULL,
        CONSTRAINT "store_status_pkey" PRIMARY KEY ("store_id", "timestamp_utc", "id") INCLUDE ("status"),
        CONSTRAINT "store_status_status_known" CHECK ("status" IN ('active', 'inactive'))
      )`);
    await queryRunner.query(`CREATE INDEX "store_status_timestamp_idx" ON "store_status" ("timestamp_utc")`);
    await queryRunner.query(`
      INSERT INTO store_status (id, store_id, status, timestamp_utc) OVERRIDING SYSTEM VALUE
      SELECT id, store_id, status, timestamp_utc FROM store_status_partitioned`);
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence('store_status', 'id'), max(id)) FROM store_status HAVING max(id) IS NOT NULL`);
    // Dropping the parent drops its partitions.
    await queryRunner.query(`DROP TABLE store_status_partitioned`);
    await queryRunner.query(`DROP TABLE polled_stores`);
  }
}

/** Renames store_status and the names it owns (key, index, identity sequence), so a new store_status can take them. */
async function renameAside(queryRunner: QueryRunner, to: string): Promise<void> {
  await queryRunner.query(`ALTER TABLE store_status RENAME TO ${to}`);
  await queryRunner.query(`ALTER TABLE ${to} RENAME CONSTRAINT store_status_pkey TO ${to}_pkey`);
  await queryRunner.query(`ALTER INDEX store_status_timestamp_idx RENAME TO ${to}_timestamp_idx`);
  await queryRunner.query(`ALTER SEQUENCE store_status_id_seq RENAME TO ${to}_id_seq`);
}
