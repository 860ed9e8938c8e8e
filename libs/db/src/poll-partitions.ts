import type { PoolClient } from 'pg';

/**
 * `store_status` is partitioned by week of `timestamp_utc` (declarative RANGE partitioning, one
 * partition per UTC week starting Monday 00:00, named `store_status_wYYYYMMDD` after that Monday).
 *
 * Why weeks: a report reads a 7-day window, so it touches two partitions, plus the one before for
 * the carry-in poll; a query on the parent still plans (and rescans per store) one subplan for
 * every older partition it cannot prune, so daily partitions (365 a year) cost more planning and
 * per-store overhead than they save. Retention drops whole weeks, so it keeps up to 6 days more
 * than POLL_RETENTION_DAYS asks for; it never keeps less.
 *
 * Partitions are made ahead of the data (`npm run db:maintain`, and by every ingest for the week
 * after the newest poll it loaded) because making one inside a load is the only step of an
 * hourly append that needs more than a row lock. When an ingest still needs one, it is created as a
 * plain table and then ATTACHed: ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on the parent,
 * which a running report's ACCESS SHARE does not conflict with, whereas CREATE TABLE … PARTITION
 * OF takes ACCESS EXCLUSIVE and would queue behind the report (and every later report behind it).
 */

export const POLLS_TABLE_NAME = 'store_status';
/** The stores that have polls, with their earliest poll: the report's store list (report-window.ts). */
export const POLLED_STORES_TABLE_NAME = 'polled_stores';

export const WEEK_US = 7 * 24 * 3_600 * 1_000_000;
/** 2000-01-03 00:00 UTC, a Monday: weeks are counted from here. */
const WEEK_ORIGIN_US = Date.UTC(2000, 0, 3) * 1_000;
/** The same origin for SQL (`date_bin`), so both sides agree on every week boundary. */
export const WEEK_ORIGIN_SQL = `timestamptz '2000-01-03 00:00:00+00'`;

/** The Monday 00:00 UTC that starts the week holding `micros`. */
export function pollWeekStartUs(micros: number): number {
  return WEEK_ORIGIN_US + Math.floor((micros - WEEK_ORIGIN_US) / WEEK_US) * WEEK_US;
}

function pollPartitionName(weekStartUs: number): string {
  return `${POLLS_TABLE_NAME}_w${new Date(weekStartUs / 1_000).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

export interface PollPartition {
  name: string;
  fromUs: number;
  toUs: number;
}

/** A week boundary as SQL; whole seconds, so exact, and valid for any year PostgreSQL stores (`'-000001-…'` is not). */
const instantSql = (micros: number) => `to_timestamp(${micros / 1_000_000})`;

/** The partitions of store_status with their bounds, oldest first. */
export async function listPollPartitions(client: PoolClient): Promise<PollPartition[]> {
  // The bound expression prints timestamps in the session's time zone; casting them back in the
  // same session reads them exactly.
  const result = await client.query<{ name: string; from_us: string; to_us: string }>(`
    SELECT c.relname AS name,
           (extract(epoch FROM (b.parts)[1]::timestamptz) * 1000000)::bigint::text AS from_us,
           (extract(epoch FROM (b.parts)[2]::timestamptz) * 1000000)::bigint::text AS to_us
      FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
     CROSS JOIN LATERAL (SELECT regexp_match(pg_get_expr(c.relpartbound, c.oid), $$FROM \\('([^']*)'\\) TO \\('([^']*)'\\)$$) AS parts) b
     WHERE i.inhparent = '${POLLS_TABLE_NAME}'::regclass
     ORDER BY 2`);
  return result.rows.map((row) => ({ name: row.name, fromUs: Number(row.from_us), toUs: Number(row.to_us) }));
}

/**
 * Makes the weekly partitions for the given week starts that do not exist yet; returns the names
 * it created. Safe inside a transaction that holds an ingest's locks, and beside running reports
 * (see the top of this file).
 */
export async function ensurePollPartitions(client: PoolClient, weekStartsUs: Iterable<number>): Promise<string[]> {
  const existing = new Set((await listPollPartitions(client)).map((partition) => partition.fromUs));
  const created: string[] = [];
  for (const fromUs of [...new Set(weekStartsUs)].sort((a, b) => a - b)) {
    if (pollWeekStartUs(fromUs) !== fromUs) throw new RangeError(`not the start of a partition week: ${fromUs} µs`);
    if (existing.has(fromUs)) continue;
    const name = pollPartitionName(fromUs);
    await client.query(`CREATE TABLE "${name}" (LIKE ${POLLS_TABLE_NAME} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    await client.query(
      `ALTER TABLE ${POLLS_TABLE_NAME} ATTACH PARTITION "${name}" FOR VALUES FROM (${instantSql(fromUs)}) TO (${instantSql(fromUs + WEEK_US)})`,
    );
    created.push(name);
  }
  return created;
}

/** The week starts of every week from the one holding `fromUs` to the one holding `toUs`. */
export function pollWeeksBetween(fromUs: number, toUs: number): number[] {
  const weeks: number[] = [];
  for (let week = pollWeekStartUs(fromUs); week <= toUs; week += WEEK_US) weeks.push(week);
  return weeks;
}

/**
 * Detaches and drops every partition that ends at or before `cutoffUs` (whole weeks only);
 * returns their names. Must run outside a transaction: DETACH … CONCURRENTLY waits for the
 * reports that are reading the partition to finish, without blocking the reports that start
 * meanwhile (a plain DETACH or DROP would take ACCESS EXCLUSIVE on the whole table). A detach
 * interrupted half-way is finished on the next run.
 */
export async function dropPollPartitionsBefore(client: PoolClient, cutoffUs: number): Promise<string[]> {
  const pending = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = '${POLLS_TABLE_NAME}'::regclass AND i.inhdetachpending`,
  );
  for (const { name } of pending.rows) await client.query(`ALTER TABLE ${POLLS_TABLE_NAME} DETACH PARTITION "${name}" FINALIZE`);
  const dropped = pending.rows.map((row) => row.name);
  for (const name of dropped) await client.query(`DROP TABLE "${name}"`);
  for (const partition of await listPollPartitions(client)) {
    if (partition.toUs > cutoffUs) continue;
    await client.query(`ALTER TABLE ${POLLS_TABLE_NAME} DETACH PARTITION "${partition.name}" CONCURRENTLY`);
    await client.query(`DROP TABLE "${partition.name}"`);
    dropped.push(partition.name);
  }
  return dropped;
}

/**
 * After polls were dropped: stores whose earliest poll was before `oldestKeptUs` get their new
 * earliest poll, and stores with no poll left leave the list. Only those stores are looked at
 * (one index descent per partition each), not the whole table.
 */
export async function refreshPolledStores(client: PoolClient, oldestKeptUs: number): Promise<{ updated: number; removed: number }> {
  const result = await client.query<{ updated: string; removed: string }>(`
    WITH firsts AS (
      SELECT s.store_id, (SELECT min(p.timestamp_utc) FROM ${POLLS_TABLE_NAME} p WHERE p.store_id = s.store_id) AS first_poll
        FROM ${POLLED_STORES_TABLE_NAME} s
       WHERE s.first_poll_utc < ${instantSql(oldestKeptUs)}
    ), removed AS (
      DELETE FROM ${POLLED_STORES_TABLE_NAME} s USING firsts f WHERE s.store_id = f.store_id AND f.first_poll IS NULL RETURNING 1
    ), updated AS (
      UPDATE ${POLLED_STORES_TABLE_NAME} s SET first_poll_utc = f.first_poll FROM firsts f
       WHERE s.store_id = f.store_id AND f.first_poll IS NOT NULL RETURNING 1
    )
    SELECT (SELECT count(*) FROM updated)::text AS updated, (SELECT count(*) FROM removed)::text AS removed`);
  return { updated: Number(result.rows[0].updated), removed: Number(result.rows[0].removed) };
}
