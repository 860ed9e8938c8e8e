import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys (stored as SHA-256 only) and the owner of each report. Reports created before this
 * migration, or with API_AUTH=off, have no owner: only `admin` keys see them.
 *
 * The owner index serves a non-admin listing (owner = $1, newest first); the status/method
 * filters of such a listing are applied to that owner's rows, which stay few next to the table.
 */
export class ApiKeys1795800000040 implements MigrationInterface {
  name = 'ApiKeys1795800000040';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "key_id" char(8) NOT NULL,
        "hash" bytea NOT NULL,
        "name" text NOT NULL,
        "owner" text NOT NULL,
        "scopes" text[] NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        CONSTRAINT "api_keys_pkey" PRIMARY KEY ("key_id"),
        CONSTRAINT "api_keys_key_id_hex" CHECK ("key_id" ~ '^[0-9a-f]{8}$'),
        CONSTRAINT "api_keys_hash_sha256" CHECK (octet_length("hash") = 32),
        CONSTRAINT "api_keys_scopes_known" CHECK ("scopes" <@ ARRAY['reports:read', 'reports:write', 'admin']::text[] AND cardinality("scopes") > 0)
      )`);
    await queryRunner.query(`ALTER TABLE "reports" ADD COLUMN "owner" text`);
    await queryRunner.query(`CREATE INDEX "reports_owner_created_at_id_idx" ON "reports" ("owner", "created_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "reports_owner_created_at_id_idx"`);
    await queryRunner.query(`ALTER TABLE "reports" DROP COLUMN "owner"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
