import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The three input tables. Hand-written rather than generated so the indexes the window read
 * depends on are visible in review (see report-window.ts for the queries they serve).
 */
export class CreateInputTables1795800000000 implements MigrationInterface {
  name = 'CreateInputTables1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The primary key is the window read's index: (store_id, timestamp_utc) finds each store's
    // week and its carry-in poll with one descent each, INCLUDE (status) makes that an index-only
    // scan (no heap visits, whatever order the rows were loaded in), and rows come out grouped
    // by store. `id` only makes the key unique: exact duplicate polls are data (see the entity).
    // CACHE 1000: ingest COPYs millions of rows; a cached identity avoids a sequence update per row.
    await queryRunner.query(`
      CREATE TABLE "store_status" (
        "id" bigint GENERATED ALWAYS AS IDENTITY (CACHE 1000) NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "status" text NOT NULL,
        "timestamp_utc" timestamptz NOT NULL,
        CONSTRAINT "store_status_pkey" PRIMARY KEY ("store_id", "timestamp_utc", "id") INCLUDE ("status"),
        CONSTRAINT "store_status_status_known" CHECK ("status" IN ('active', 'inactive'))
      )`);
    // `now` without asOf is max(timestamp_utc); also serves retention deletes by age.
    await queryRunner.query(`CREATE INDEX "store_status_timestamp_idx" ON "store_status" ("timestamp_utc")`);

    await queryRunner.query(`
      CREATE TABLE "business_hours" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "day_of_week" smallint NOT NULL,
        "start_time_local" time NOT NULL,
        "end_time_local" time NOT NULL,
        CONSTRAINT "business_hours_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "business_hours_day_of_week_range" CHECK ("day_of_week" BETWEEN 0 AND 6)
      )`);

    await queryRunner.query(`
      CREATE TABLE "store_timezones" (
        "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "timezone_str" text NOT NULL,
        CONSTRAINT "store_timezones_pkey" PRIMARY KEY ("id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "store_timezones"`);
    await queryRunner.query(`DROP TABLE "business_hours"`);
    await queryRunner.query(`DROP TABLE "store_status"`);
  }
}
