import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each complete report's rows as data (GET /reports/{id}/stores, the JSON Lines download), written
 * by the worker with COPY in the attempt that computes the report (libs/db/src/reports/report-rows.ts).
 *
 * - The numbers are the CSV's, rounded to its two decimals, so a row read here equals its CSV line.
 * - `store_id` sorts in byte order (COLLATE "C"): the CSV's store order (the engine sorts by code
 *   unit; the same for the ASCII ids stores have), so the primary key also serves the default
 *   order and the keyset pages on store_id.
 * - No foreign key to reports: its per-row check would cost the COPY of a 141 k-store report more
 *   than the COPY itself; the rows go with the report instead (cancel, expiry: both delete them).
 * - No index per number: a report's rows are read by its primary-key prefix (one report), and
 *   sorting tens of thousands of them by a number costs milliseconds, less than six more indexes
 *   would cost every COPY.
 */
export class ReportRows1795800000050 implements MigrationInterface {
  name = 'ReportRows1795800000050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "report_rows" (
        "report_id" char(32) NOT NULL,
        "store_id" text COLLATE "C" NOT NULL,
        "uptime_last_hour" double precision NOT NULL,
        "uptime_last_day" double precision NOT NULL,
        "uptime_last_week" double precision NOT NULL,
        "downtime_last_hour" double precision NOT NULL,
        "downtime_last_day" double precision NOT NULL,
        "downtime_last_week" double precision NOT NULL,
        CONSTRAINT "report_rows_pkey" PRIMARY KEY ("report_id", "store_id")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "report_rows"`);
  }
}
