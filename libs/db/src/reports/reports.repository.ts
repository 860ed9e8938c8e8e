import { In, type DataSource, type EntityManager } from 'typeorm';
import type { ReportWarning, UptimeMethod } from '@store-uptime/uptime';
import { ReportEntity, ReportStatus } from '../entities/report.entity';
import { REPORT_TRANSITIONS, UNFINISHED_STATUSES, type ReportTransition } from './report-transitions';
import { outboxInsertCte, transitionEvent } from '../webhooks/webhook-outbox';
import { statementRows } from '../statement-rows';

const REPORT_ID = /^[0-9a-f]{32}$/;

/** Refuses anything that is not a report id before it reaches SQL (a bug upstream, never client input). */
function checked(id: string): string {
  if (!REPORT_ID.test(id)) throw new Error(`not a report id: ${JSON.stringify(id)}`);
  return id;
}

export interface NewReport {
  id: string;
  asOf: Date | null;
  method: UptimeMethod;
  /** The triggering key's owner (null with API_AUTH=off). */
  owner?: string | null;
  /** The report's own webhook target (POST /reports `callback_url`) and the secret its deliveries are signed with. */
  callback?: { url: string; secret: string } | null;
}

export interface ReportOutcome {
  s3Key: string;
  storesCount: number;
  pollsAfterNow: number;
  nowUsed: Date | null;
  warnings: ReportWarning[];
}

export type CancelResult =
  | { cancelled: true; previous: ReportStatus }
  | { cancelled: false; status: ReportStatus }
  | null;

export interface IdempotencyKey {
  key: string;
  /** The trigger's parameters in canonical form. */
  fingerprint: string;
  ttlHours: number;
}

export type IdempotentCreateResult = { created: true } | { created: false; reportId: string; fingerprint: string };

export interface ReportListFilter {
  status?: ReportStatus;
  method?: UptimeMethod;
  createdAfter?: Date;
  createdBefore?: Date;
  /** Only this owner's reports (a non-admin key's listing). */
  owner?: string;
}

/** A listing position: the last row of the previous page, its time exactly as PostgreSQL holds it (microseconds). */
export interface ReportListPosition {
  createdAt: string;
  id: string;
}

export interface ReportListPage {
  reports: ReportEntity[];
  /** The position after the last report, when there are more. */
  next: ReportListPosition | null;
}

/** The SQL list of a transition's source states, as a parameter. */
function from(transition: ReportTransition): string[] {
  return [...REPORT_TRANSITIONS[transition].from];
}

function to(transition: ReportTransition): ReportStatus {
  return REPORT_TRANSITIONS[transition].to;
}

/** created_at with all its digits, in UTC, for an exact keyset cursor (a JS Date keeps milliseconds only). */
const EXACT_CREATED_AT = `to_char("created_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The one owner of the reports table: every status change goes through here, as a conditional
 * UPDATE built from REPORT_TRANSITIONS, returning whether it applied. The API, the worker and the
 * sweep all write through it, so no code path can move a report from a state it must not leave.
 * Plain class over a TypeORM DataSource; each app provides it.
 */
export class ReportsRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(id: string): Promise<ReportEntity | null> {
    return this.dataSource.getRepository(ReportEntity).findOneBy({ id: checked(id) });
  }

  /** The rows of those of `ids` that exist, in no particular order (one statement for any number). */
  async findMany(ids: string[]): Promise<ReportEntity[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(ReportEntity).findBy({ id: In(ids.map(checked)) });
  }

  /** The report row, and its callback in the same statement (a report never exists without the callback it was given). */
  async create(report: NewReport, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `WITH created AS (INSERT INTO "reports" ("id", "status", "as_of", "method", "owner") VALUES ($1, $2, $3, $4, $5) RETURNING "id")
       INSERT INTO "report_callbacks" ("report_id", "url", "secret") SELECT "id", $6::text, $7::text FROM created WHERE $6::text IS NOT NULL`,
      [checked(report.id), ReportStatus.queued, report.asOf, report.method, report.owner ?? null, report.callback?.url ?? null, report.callback?.secret ?? null],
    );
  }

  /** The signing secret of a report's callback_url (shown again when an Idempotency-Key replays its trigger); null without one. */
  async callbackSecret(id: string): Promise<string | null> {
    const rows = await this.rows<{ secret: string }>(`SELECT "secret" FROM "report_callbacks" WHERE "report_id" = $1`, [checked(id)]);
    return rows[0]?.secret ?? null;
  }

  /** The report's owner (never changes once created): `undefined` when there is no such report. */
  async ownerOf(id: string): Promise<string | null | undefined> {
    const rows = await this.rows<{ owner: string | null }>(`SELECT "owner" FROM "reports" WHERE "id" = $1`, [checked(id)]);
    return rows[0]?.owner;
  }

  /**
   * Creates the report unless a fresh row for `key.key` exists already: then nothing is created
   * and the existing report is returned. The key's primary key decides between simultaneous
   * requests (the second INSERT waits for the first to commit, then finds the key taken); a key
   * older than its lifetime is taken over by the new report.
   */
  async createWithIdempotencyKey(report: NewReport, key: IdempotencyKey): Promise<IdempotentCreateResult> {
    for (let tries = 0; tries < 3; tries++) {
      const existing = await this.freshKey(key);
      if (existing) return { created: false, ...existing };
      const created = await this.dataSource.transaction(async (manager) => {
        await this.create(report, manager);
        const claimed: unknown[] = await manager.query(
          `INSERT INTO "report_idempotency_keys" ("key", "fingerprint", "report_id") VALUES ($1, $2, $3)
           ON CONFLICT ("key") DO UPDATE SET "fingerprint" = EXCLUDED."fingerprint", "report_id" = EXCLUDED."report_id", "created_at" = now()
             WHERE "report_idempotency_keys"."created_at" < now() - make_interval(hours => $4)
           RETURNING "report_id"`,
          [key.key, key.fingerprint, report.id, key.ttlHours],
        );
        if (claimed.length === 0) throw new KeyTaken();
        return true;
      }).catch((error: unknown) => {
        if (error instanceof KeyTaken) return false;
        throw error;
      });
      if (created) return { created: true };
      // Another request holds the key (its report row was rolled back here): answer with its report.
    }
    throw new Error(`idempotency key ${JSON.stringify(key.key)} kept changing hands`);
  }

  /** Frees a key whose report could not be queued, so the client's retry with it starts afresh. */
  async releaseIdempotencyKey(key: string, reportId: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM "report_idempotency_keys" WHERE "key" = $1 AND "report_id" = $2`, [key, reportId]);
  }

  /** Keys past their lifetime (they no longer answer anything); returns how many were deleted. */
  async deleteStaleIdempotencyKeys(ttlHours: number): Promise<number> {
    const rows = await this.rows(
      `DELETE FROM "report_idempotency_keys" WHERE "created_at" < now() - make_interval(hours => $1) RETURNING 1`,
      [ttlHours],
    );
    return rows.length;
  }

  private async freshKey(key: IdempotencyKey): Promise<{ reportId: string; fingerprint: string } | null> {
    const rows = await this.rows<{ report_id: string; fingerprint: string }>(
      `SELECT "report_id", "fingerprint" FROM "report_idempotency_keys"
        WHERE "key" = $1 AND "created_at" >= now() - make_interval(hours => $2)`,
      [key.key, key.ttlHours],
    );
    return rows[0] ? { reportId: rows[0].report_id, fingerprint: rows[0].fingerprint } : null;
  }

  /** queued | running → running: a worker starts an attempt (attempts + 1). */
  start(id: string, progress: number): Promise<boolean> {
    return this.transition(id, 'start', `"progress" = $3, "started_at" = now(), "finished_at" = NULL, "error" = NULL, "attempts" = "attempts" + 1`, [progress]);
  }

  /** Progress of a running report (not a transition: refused quietly once the report left running). */
  async setProgress(id: string, progress: number): Promise<void> {
    await this.dataSource.query(`UPDATE "reports" SET "progress" = $2 WHERE "id" = $1 AND "status" = $3`, [checked(id), progress, ReportStatus.running]);
  }

  /** running → complete, with what the report found. */
  complete(id: string, outcome: ReportOutcome): Promise<boolean> {
    return this.transition(
      id,
      'complete',
      `"progress" = 1, "s3_key" = $3, "stores_count" = $4, "polls_after_now" = $5, "now_used" = $6, "warnings" = $7::jsonb, "error" = NULL, "finished_at" = now()`,
      [outcome.s3Key, outcome.storesCount, outcome.pollsAfterNow, outcome.nowUsed, JSON.stringify(outcome.warnings)],
    );
  }

  /** queued | running → queued: between attempts (with the last error, for operators) or handed back (error kept). */
  requeue(id: string, error?: string): Promise<boolean> {
    return error === undefined
      ? this.transition(id, 'requeue', `"progress" = 0`)
      : this.transition(id, 'requeue', `"progress" = 0, "error" = $3`, [error]);
  }

  /** queued | running → failed, with a reason fit for the client. */
  fail(id: string, error: string): Promise<boolean> {
    return this.transition(id, 'fail', `"error" = $3, "finished_at" = now()`, [error]);
  }

  /**
   * The lost-job rule, for the status read and the sweep alike: a report still queued or running
   * whose job the queue no longer has is failed once it is older than `lostAfterSeconds` (a
   * younger one may be between its INSERT and its job being added).
   */
  failLost(id: string, reason: string, lostAfterSeconds: number): Promise<boolean> {
    return this.transition(id, 'fail', `"error" = $3, "finished_at" = now()`, [reason, lostAfterSeconds], `"created_at" < now() - make_interval(secs => $4)`);
  }

  /**
   * queued | running → cancelled. Says which state it left (a queued report's job is removed from
   * the queue; a running one is stopped by its worker), or the state that refused it; null for an
   * unknown id. The row is locked while it is judged, so a concurrent complete either lands first
   * (and the cancel is refused) or waits and is refused itself.
   */
  async cancel(id: string): Promise<CancelResult> {
    const rows = await this.rows<{ previous: ReportStatus; applied: boolean }>(
      `WITH previous AS (SELECT "id", "status" FROM "reports" WHERE "id" = $1 FOR UPDATE),
            changed AS (
              UPDATE "reports" r SET "status" = $3, "finished_at" = now(), "progress" = 0
                FROM previous WHERE r."id" = previous."id" AND previous."status" = ANY($2::text[])
                RETURNING r."id", r."owner"),
            ${outboxInsertCte('changed', '$4::text')}
       SELECT previous."status" AS previous, EXISTS (SELECT 1 FROM changed) AS applied FROM previous`,
      [checked(id), from('cancel'), to('cancel'), transitionEvent('cancel')],
    );
    const row = rows[0];
    if (!row) return null;
    return row.applied ? { cancelled: true, previous: row.previous } : { cancelled: false, status: row.previous };
  }

  /** complete → expired: retention deleted its CSV. */
  expire(id: string): Promise<boolean> {
    return this.transition(id, 'expire', `"s3_key" = NULL`);
  }

  /** Of `ids`, those cancelled (a worker polls this for the reports it runs). */
  async cancelledAmong(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.rows<{ id: string }>(`SELECT "id" FROM "reports" WHERE "id" = ANY($1::text[]) AND "status" = $2`, [
      ids.map(checked),
      ReportStatus.cancelled,
    ]);
    return rows.map((row) => row.id);
  }

  /** Unfinished reports older than `olderThanSeconds` (candidates for the lost-job sweep), oldest first. */
  async findUnfinishedOlderThan(olderThanSeconds: number, limit: number): Promise<string[]> {
    const rows = await this.rows<{ id: string }>(
      `SELECT "id" FROM "reports" WHERE "status" = ANY($1::text[]) AND "created_at" < now() - make_interval(secs => $2)
        ORDER BY "created_at" LIMIT $3`,
      [[...UNFINISHED_STATUSES], olderThanSeconds, limit],
    );
    return rows.map((row) => row.id);
  }

  /** Complete reports created more than `retentionSeconds` ago, oldest first, with their CSV key. */
  async findExpirable(retentionSeconds: number, limit: number): Promise<{ id: string; s3Key: string | null }[]> {
    const rows = await this.rows<{ id: string; s3_key: string | null }>(
      `SELECT "id", "s3_key" FROM "reports" WHERE "status" = $1 AND "created_at" < now() - make_interval(secs => $2)
        ORDER BY "created_at", "id" LIMIT $3`,
      [ReportStatus.complete, retentionSeconds, limit],
    );
    return rows.map((row) => ({ id: row.id, s3Key: row.s3_key }));
  }

  /**
   * A page of reports, newest first, by keyset on (created_at, id): the query descends one of the
   * listing indexes (migration 1795800000010) to the position and reads `limit` entries, so its
   * cost does not grow with the table.
   */
  async list(filter: ReportListFilter, limit: number, after: ReportListPosition | null): Promise<ReportListPage> {
    const query = this.dataSource
      .getRepository(ReportEntity)
      .createQueryBuilder('report')
      .addSelect(EXACT_CREATED_AT.replace('"created_at"', 'report.created_at'), 'exact_created_at')
      .orderBy('report.created_at', 'DESC')
      .addOrderBy('report.id', 'DESC')
      .limit(limit + 1);
    if (filter.owner !== undefined) query.andWhere('report.owner = :owner', { owner: filter.owner });
    if (filter.status) query.andWhere('report.status = :status', { status: filter.status });
    if (filter.method) query.andWhere('report.method = :method', { method: filter.method });
    if (filter.createdAfter) query.andWhere('report.created_at > :createdAfter', { createdAfter: filter.createdAfter });
    if (filter.createdBefore) query.andWhere('report.created_at < :createdBefore', { createdBefore: filter.createdBefore });
    if (after) query.andWhere('(report.created_at, report.id) < (CAST(:afterCreatedAt AS timestamptz), :afterId)', { afterCreatedAt: after.createdAt, afterId: after.id });
    const { entities, raw } = await query.getRawAndEntities<{ exact_created_at: string }>();
    if (entities.length <= limit) return { reports: entities, next: null };
    const reports = entities.slice(0, limit);
    const last = reports[limit - 1];
    const lastRaw = raw[limit - 1];
    return { reports, next: { createdAt: lastRaw.exact_created_at, id: last.id } };
  }

  /**
   * One conditional UPDATE: `set` applies only when the row is in one of the transition's source
   * states. A transition to a final state that emits a webhook event writes the event's outbox
   * rows in the same statement (webhook-outbox.ts says why).
   */
  private async transition(id: string, transition: ReportTransition, set: string, values: unknown[] = [], condition?: string): Promise<boolean> {
    const update = `UPDATE "reports" SET "status" = $2, ${set}
        WHERE "id" = $1 AND "status" = ANY($${values.length + 3}::text[])${condition ? ` AND ${condition}` : ''}`;
    const parameters = [checked(id), to(transition), ...values, from(transition)];
    const event = transitionEvent(transition);
    if (event === undefined) return (await this.rows(`${update} RETURNING 1`, parameters)).length > 0;
    const rows = await this.rows(
      `WITH changed AS (${update} RETURNING "id", "owner"), ${outboxInsertCte('changed', `$${parameters.length + 1}::text`)}
       SELECT 1 FROM changed`,
      [...parameters, event],
    );
    return rows.length > 0;
  }

  private rows<T = unknown>(sql: string, parameters: unknown[]): Promise<T[]> {
    return statementRows<T>(this.dataSource, sql, parameters);
  }
}

/** Another request holds the idempotency key: undo this one's report. */
class KeyTaken extends Error {}
