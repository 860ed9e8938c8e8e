import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The durable report record (ReportEntity). Checks mirror the entity's @Check decorators. */
export class CreateReports1795800000001 implements MigrationInterface {
  name = 'CreateReports1795800000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "reports" (
        "id" char(32) NOT NULL,
        "status" text NOT NULL DEFAULT 'queued',
        "as_of" timestamptz,
        "method" text NOT NULL DEFAULT 'hourly',
        "progress" real NOT NULL DEFAULT 0,
        "stores_count" integer,
        "rows_skipped" integer,
        "now_used" timestamptz,
        "error" text,
        "s3_key" text,
        "attempts" integer NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz,
        "finished_at" timestamptz,
        CONSTRAINT "reports_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "reports_id_hex" CHECK ("id" ~ '^[0-9a-f]{32}$'),
        CONSTRAINT "reports_status_known" CHECK ("status" IN ('queued', 'running', 'complete', 'failed')),
        CONSTRAINT "reports_method_known" CHECK ("method" IN ('hourly', 'step')),
        CONSTRAINT "reports_progress_range" CHECK ("progress" >= 0 AND "progress" <= 1)
      )`);
    // Housekeeping (expiring old reports) and "latest reports" listings scan by age.
    await queryRunner.query(`CREATE INDEX "reports_created_at_idx" ON "reports" ("created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "reports"`);
  }
}
