import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One store on demand (GET /stores/{id}/uptime, libs/db/src/store-window.ts) reads that store's
 * business hours and zones on every request; without these indexes each read scans both tables
 * (tens of thousands of rows) where a few rows are wanted. The fleet report reads them whole and
 * is unaffected; a bulk ingest drops and rebuilds them like every other index (bulk-load.ts).
 */
export class IndexStoreHoursAndZones1795800000030 implements MigrationInterface {
  name = 'IndexStoreHoursAndZones1795800000030';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "business_hours_store_id_idx" ON "business_hours" ("store_id")`);
    await queryRunner.query(`CREATE INDEX "store_timezones_store_id_idx" ON "store_timezones" ("store_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "store_timezones_store_id_idx"`);
    await queryRunner.query(`DROP INDEX "business_hours_store_id_idx"`);
  }
}
