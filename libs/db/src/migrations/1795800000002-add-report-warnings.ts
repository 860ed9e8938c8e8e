import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `reports.warnings`: what a complete report's consumer should know that its numbers do not say
 * (libs/uptime/src/report-warnings.ts), as a JSON list of {code, count}. Existing rows get an
 * empty list: nothing was recorded for them.
 */
export class AddReportWarnings1795800000002 implements MigrationInterface {
  name = 'AddReportWarnings1795800000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" ADD COLUMN "warnings" jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE "reports" ADD CONSTRAINT "reports_warnings_list" CHECK (jsonb_typeof("warnings") = 'array')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "warnings"`);
  }
}
