import type { DataSource } from 'typeorm';
import { ReportEntity } from '../entities/report.entity';
import { statementRows } from '../statement-rows';

const HEX_ID = /^[0-9a-f]{32}$/;

/** Refuses anything that is not an endpoint id before it reaches SQL (the API answers 404 for such ids first). */
function checked(id: string): string {
  if (!HEX_ID.test(id)) throw new Error(`not a webhook endpoint id: ${JSON.stringify(id)}`);
  return id;
}

export interface WebhookEndpoint {
  id: string;
  owner: string | null;
  url: string;
  events: string[];
  createdAt: Date;
}

export interface NewWebhookEndpoint {
  id: string;
  owner: string | null;
  url: string;
  events: string[];
  secret: string;
}

export type MessageStatus = 'pending' | 'delivered' | 'failed';
export type AttemptOutcome = 'delivered' | 'retrying' | 'failed';

/** What the worker needs to send one message: its target and secret, and the report it is about. */
export interface WebhookMessageToSend {
  id: string;
  event: string;
  status: MessageStatus;
  createdAt: Date;
  url: string;
  secret: string;
  report: ReportEntity;
}

export interface RecordedAttempt {
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseExcerpt: string | null;
  error: string | null;
  outcome: AttemptOutcome;
}

/** One row of GET /webhooks/{id}/deliveries. */
export interface DeliveryAttempt extends RecordedAttempt {
  messageId: string;
  event: string;
  reportId: string;
  attempt: number;
  messageStatus: MessageStatus;
}

/** Attempts listed per endpoint: the latest ones (older ones stay in the table until retention). */
const DELIVERIES_LISTED = 100;

/**
 * The one owner of the webhook tables (migration 1795800000060): endpoints, the outbox of
 * messages and their attempts. The outbox rows themselves are written by ReportsRepository, in
 * the statement that finishes a report. Plain class over a TypeORM DataSource.
 */
export class WebhooksRepository {
  constructor(private readonly dataSource: DataSource) {}

  async createEndpoint(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint> {
    const rows = await this.rows<EndpointRow>(
      `INSERT INTO "webhook_endpoints" ("id", "owner", "url", "events", "secret") VALUES ($1, $2, $3, $4, $5)
       RETURNING "id", "owner", "url", "events", "created_at"`,
      [checked(endpoint.id), endpoint.owner, endpoint.url, endpoint.events, endpoint.secret],
    );
    return endpointFrom(rows[0]);
  }

  /** Endpoints, newest first: one owner's, or every owner's (`undefined`, for admin). */
  async listEndpoints(owner: string | null | undefined): Promise<WebhookEndpoint[]> {
    const rows =
      owner === undefined
        ? await this.rows<EndpointRow>(`SELECT "id", "owner", "url", "events", "created_at" FROM "webhook_endpoints" ORDER BY "created_at" DESC, "id"`, [])
        : await this.rows<EndpointRow>(
            `SELECT "id", "owner", "url", "events", "created_at" FROM "webhook_endpoints" WHERE "owner" IS NOT DISTINCT FROM $1 ORDER BY "created_at" DESC, "id"`,
            [owner],
          );
    return rows.map(endpointFrom);
  }

  async findEndpoint(id: string): Promise<WebhookEndpoint | null> {
    const rows = await this.rows<EndpointRow>(`SELECT "id", "owner", "url", "events", "created_at" FROM "webhook_endpoints" WHERE "id" = $1`, [checked(id)]);
    return rows[0] ? endpointFrom(rows[0]) : null;
  }

  /** Deletes the endpoint with its messages and attempts; a job of it still queued finds nothing to send. */
  async deleteEndpoint(id: string): Promise<boolean> {
    return (await this.rows(`DELETE FROM "webhook_endpoints" WHERE "id" = $1 RETURNING 1`, [checked(id)])).length > 0;
  }

  /** The endpoint's latest attempts, newest first. */
  async deliveries(endpointId: string, limit = DELIVERIES_LISTED): Promise<DeliveryAttempt[]> {
    const rows = await this.rows<AttemptRow>(
      `SELECT a.*, m."event", m."report_id", m."status" AS "message_status"
         FROM "webhook_attempts" a JOIN "webhook_messages" m ON m."id" = a."message_id"
        WHERE m."endpoint_id" = $1
        ORDER BY a."attempted_at" DESC, a."attempt" DESC LIMIT $2`,
      [checked(endpointId), limit],
    );
    return rows.map((row) => ({
      messageId: row.message_id,
      event: row.event,
      reportId: row.report_id,
      attempt: row.attempt,
      messageStatus: row.message_status,
      attemptedAt: row.attempted_at,
      durationMs: row.duration_ms,
      statusCode: row.status_code,
      responseExcerpt: row.response_excerpt,
      error: row.error,
      outcome: row.outcome,
    }));
  }

  /** Outbox rows not queued yet, oldest first (the relay's read). */
  async unqueuedMessages(limit: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(`SELECT "id" FROM "webhook_messages" WHERE "enqueued_at" IS NULL ORDER BY "created_at" LIMIT $1`, [limit]);
    return rows.map((row) => row.id);
  }

  async markQueued(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(`UPDATE "webhook_messages" SET "enqueued_at" = now() WHERE "id" = ANY($1::text[]) AND "enqueued_at" IS NULL`, [ids]);
  }

  /** A message with its target (endpoint or report callback) and report; null once any of them is gone. */
  async messageToSend(id: string): Promise<WebhookMessageToSend | null> {
    const rows = await this.rows<{ id: string; event: string; status: MessageStatus; created_at: Date; url: string | null; secret: string | null; report_id: string }>(
      `SELECT m."id", m."event", m."status", m."created_at", m."report_id",
              coalesce(e."url", cb."url") AS "url", coalesce(e."secret", cb."secret") AS "secret"
         FROM "webhook_messages" m
         LEFT JOIN "webhook_endpoints" e ON e."id" = m."endpoint_id"
         LEFT JOIN "report_callbacks" cb ON m."endpoint_id" IS NULL AND cb."report_id" = m."report_id"
        WHERE m."id" = $1`,
      [id],
    );
    const row = rows[0];
    if (!row?.url || !row.secret) return null;
    const report = await this.dataSource.getRepository(ReportEntity).findOneBy({ id: row.report_id });
    if (!report) return null;
    return { id: row.id, event: row.event, status: row.status, createdAt: row.created_at, url: row.url, secret: row.secret, report };
  }

  /**
   * Records one attempt and moves the message on, in one statement: its attempt count, and its
   * final status when the attempt delivered it or was its last. Returns the attempt's number.
   */
  async recordAttempt(messageId: string, attempt: RecordedAttempt): Promise<number> {
    const rows = await this.rows<{ attempt: number }>(
      `WITH counted AS (
         UPDATE "webhook_messages" SET "attempts" = "attempts" + 1,
                "status" = CASE WHEN $7::text = 'retrying' THEN "status" ELSE $7::text END,
                "finished_at" = CASE WHEN $7::text = 'retrying' THEN "finished_at" ELSE now() END
          WHERE "id" = $1 RETURNING "attempts")
       INSERT INTO "webhook_attempts" ("message_id", "attempt", "attempted_at", "duration_ms", "status_code", "response_excerpt", "error", "outcome")
       SELECT $1, "attempts", $2, $3, $4, $5, $6, $7::text FROM counted RETURNING "attempt"`,
      [messageId, attempt.attemptedAt, attempt.durationMs, attempt.statusCode, attempt.responseExcerpt, attempt.error, attempt.outcome],
    );
    return rows[0]?.attempt ?? 0;
  }

  /** Messages created more than `olderThanSeconds` ago (with their attempts), and callbacks of reports that old; returns the messages deleted. */
  async deleteOlderThan(olderThanSeconds: number): Promise<number> {
    const rows = await this.rows(`DELETE FROM "webhook_messages" WHERE "created_at" < now() - make_interval(secs => $1) RETURNING 1`, [olderThanSeconds]);
    await this.dataSource.query(
      `DELETE FROM "report_callbacks" cb USING "reports" r WHERE r."id" = cb."report_id" AND r."created_at" < now() - make_interval(secs => $1)`,
      [olderThanSeconds],
    );
    return rows.length;
  }

  private rows<T = unknown>(sql: string, parameters: unknown[]): Promise<T[]> {
    return statementRows<T>(this.dataSource, sql, parameters);
  }
}

interface EndpointRow {
  id: string;
  owner: string | null;
  url: string;
  events: string[];
  created_at: Date;
}

interface AttemptRow {
  message_id: string;
  attempt: number;
  attempted_at: Date;
  duration_ms: number;
  status_code: number | null;
  response_excerpt: string | null;
  error: string | null;
  outcome: AttemptOutcome;
  event: string;
  report_id: string;
  message_status: MessageStatus;
}

function endpointFrom(row: EndpointRow): WebhookEndpoint {
  return { id: row.id, owner: row.owner, url: row.url, events: row.events, createdAt: row.created_at };
}
