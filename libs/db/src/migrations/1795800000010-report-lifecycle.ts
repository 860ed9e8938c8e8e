import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The report lifecycle (libs/db/src/reports/report-transitions.ts): two more states, the listing's
 * keyset indexes, idempotency keys, and `rows_skipped` renamed to what it counts.
 *
 * Listing indexes: GET /reports is newest first on (created_at, id), optionally filtered by status
 * and/or method. PostgreSQL 15 cannot skip-scan, so each filter combination has an index whose
 * leading columns are the equality filters and whose tail is the keyset: a page is then one index
 * descent plus `limit` entries, whatever the table holds (npm run bench:listing). The status one
 * also serves the retention sweep (status = 'complete' AND created_at < …).
 */
export class ReportLifecycle1795800000010 implements MigrationInterface {
  name = 'ReportLifecycle1795800000010';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" DROP CONSTRAINT "reports_status_known"`);
    await queryRunner.query(
      `ALTER TABLE "reports" ADD CONSTRAINT "reports_status_known" CHECK ("status" IN ('queued', 'running', 'complete', 'failed', 'cancelled', 'expired'))`,
    );
    await queryRunner.query(`ALTER TABLE "reports" RENAME COLUMN "rows_skipped" TO "polls_after_now"`);

    await queryRunner.query(`DROP INDEX "reports_created_at_idx"`);
    await queryRunner.query(`CREATE INDEX "reports_created_at_id_idx" ON "reports" ("created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "reports_status_created_at_id_idx" ON "reports" ("status", "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "reports_method_created_at_id_idx" ON "reports" ("method", "created_at", "id")`);
    await queryRunner.query(`CREATE INDEX "reports_status_method_created_at_id_idx" ON "reports" ("status", "method", "created_at", "id")`);

    // One row per key: the unique constraint is what makes two identical requests at the same
    // instant, on any API replica, end with one report.
    await queryRunner.query(`
      CREATE TABLE "report_idempotency_keys" (
        "key" text NOT NULL,
        "fingerprint" text NOT NULL,
        "report_id" char(32) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "report_idempotency_keys_pkey" PRIMARY KEY ("key")
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "report_idempotency_keys"`);
    await queryRunner.query(`DROP INDEX "reports_status_method_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "reports_method_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "reports_status_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "reports_created_at_id_idx"`);
    await queryRunner.query(`CREATE INDEX "reports_created_at_idx" ON "reports" ("created_at")`);
    await queryRunner.query(`ALTER TABLE "reports" RENAME COLUMN "polls_after_now" TO "rows_skipped"`);
    // The two new states have no place in the old schema: such reports read as failed.
    await queryRunner.query(`UPDATE "reports" SET "status" = 'failed', "error" = coalesce("error", 'the report was ' || "status") WHERE "status" IN ('cancelled', 'expired')`);
    await queryRunner.query(`ALTER TABLE "reports" DROP CONSTRAINT "reports_status_known"`);
    await queryRunner.query(`ALTER TABLE "reports" ADD CONSTRAINT "reports_status_known" CHECK ("status" IN ('queued', 'running', 'complete', 'failed'))`);
  }
}
