import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed webhooks (docs/service.md, "Webhooks"):
 * - webhook_endpoints: an owner's registered URL, the events it wants and its signing secret
 *   (kept as is: signing needs the key itself, unlike an API key, which only needs its hash);
 * - report_callbacks: a report's own callback_url and the secret returned with its trigger;
 * - webhook_messages: the outbox. One row per (event, report, target), written by the same
 *   statement that moves the report to its final state (ReportsRepository), so a crash between
 *   "report complete" and "delivery queued" loses nothing; the worker's relay queues the rows
 *   not yet queued. Its id is the `webhook-id`, derived from (event, report, target);
 * - webhook_attempts: every attempt, with its status code, duration, excerpt and error.
 * Messages (and their attempts) go with their endpoint, and after REPORT_RETENTION_DAYS (the sweep).
 */
export class Webhooks1795800000060 implements MigrationInterface {
  name = 'Webhooks1795800000060';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_endpoints" (
        "id" char(32) NOT NULL,
        "owner" text,
        "url" text NOT NULL,
        "events" text[] NOT NULL,
        "secret" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_endpoints_id_hex" CHECK ("id" ~ '^[0-9a-f]{32}$'),
        CONSTRAINT "webhook_endpoints_events_known" CHECK ("events" <@ ARRAY['report.completed', 'report.failed', 'report.cancelled']::text[] AND cardinality("events") > 0)
      )`);
    await queryRunner.query(`CREATE INDEX "webhook_endpoints_owner_idx" ON "webhook_endpoints" ("owner")`);
    await queryRunner.query(`
      CREATE TABLE "report_callbacks" (
        "report_id" char(32) NOT NULL,
        "url" text NOT NULL,
        "secret" text NOT NULL,
        CONSTRAINT "report_callbacks_pkey" PRIMARY KEY ("report_id"),
        CONSTRAINT "report_callbacks_report_fkey" FOREIGN KEY ("report_id") REFERENCES "reports" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE "webhook_messages" (
        "id" text NOT NULL,
        "report_id" char(32) NOT NULL,
        "event" text NOT NULL,
        "endpoint_id" char(32),
        "status" text NOT NULL DEFAULT 'pending',
        "attempts" int NOT NULL DEFAULT 0,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "enqueued_at" timestamptz,
        "finished_at" timestamptz,
        CONSTRAINT "webhook_messages_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_messages_event_known" CHECK ("event" IN ('report.completed', 'report.failed', 'report.cancelled')),
        CONSTRAINT "webhook_messages_status_known" CHECK ("status" IN ('pending', 'delivered', 'failed')),
        CONSTRAINT "webhook_messages_report_fkey" FOREIGN KEY ("report_id") REFERENCES "reports" ("id") ON DELETE CASCADE,
        CONSTRAINT "webhook_messages_endpoint_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints" ("id") ON DELETE CASCADE
      )`);
    // The relay's read: messages not queued yet, oldest first (few at any time, so a small partial index).
    await queryRunner.query(`CREATE INDEX "webhook_messages_unqueued_idx" ON "webhook_messages" ("created_at") WHERE "enqueued_at" IS NULL`);
    await queryRunner.query(`CREATE INDEX "webhook_messages_endpoint_idx" ON "webhook_messages" ("endpoint_id")`);
    await queryRunner.query(`CREATE INDEX "webhook_messages_report_idx" ON "webhook_messages" ("report_id")`);
    await queryRunner.query(`CREATE INDEX "webhook_messages_created_at_idx" ON "webhook_messages" ("created_at")`);
    await queryRunner.query(`
      CREATE TABLE "webhook_attempts" (
        "message_id" text NOT NULL,
        "attempt" int NOT NULL,
        "attempted_at" timestamptz NOT NULL,
        "duration_ms" int NOT NULL,
        "status_code" int,
        "response_excerpt" text,
        "error" text,
        "outcome" text NOT NULL,
        CONSTRAINT "webhook_attempts_pkey" PRIMARY KEY ("message_id", "attempt"),
        CONSTRAINT "webhook_attempts_outcome_known" CHECK ("outcome" IN ('delivered', 'retrying', 'failed')),
        CONSTRAINT "webhook_attempts_message_fkey" FOREIGN KEY ("message_id") REFERENCES "webhook_messages" ("id") ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "webhook_attempts"`);
    await queryRunner.query(`DROP TABLE "webhook_messages"`);
    await queryRunner.query(`DROP TABLE "report_callbacks"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}
