import { formatInstant } from '@store-uptime/uptime';
import { type PgSource, withPgClient } from './pg-source';
import { latestPollUs, type StoreRange } from './report-window';

/** How a report over many stores is split: the fleet's `now` and contiguous store-id ranges. */
export interface ReportShardPlan {
  /** The report's `now` (epoch µs) for every shard: as_of, or the latest poll of the whole fleet. */
  nowUs: number;
  /** Stores the report lists (polled at or before `now`). */
  stores: number;
  /** Ranges in the report's order; together they cover every store id exactly once. */
  ranges: StoreRange[];
}

/**
 * Decides whether a report fans out, once, before any shard runs: `now` is the fleet's (a shard
 * alone would take its own stores' latest poll), and the stores polled by then are cut into
 * equal ranges of at most `shardStores` in byte order (report-window.ts, StoreRange). Null when
 * the report is small enough for one worker (or there are no polls at all): the caller computes
 * it unsharded.
 * Scans of `polled_stores` (one row per store) and the latest poll (an index descent), whatever
 * the history.
 */
export async function planReportShards(source: PgSource, options: { asOf?: Date; shardStores: number }): Promise<ReportShardPlan | null> {
  return withPgClient(source, async (client) => {
    // A fleet that fits one shard whatever `now` is: decided from the store list alone, so a small
    // report never waits here for the poll table (e.g. behind an ingest --replace's lock).
    const listed = await client.query<{ stores: string }>(`SELECT count(*)::text AS stores FROM polled_stores`);
    if (Number(listed.rows[0]?.stores ?? 0) <= options.shardStores) return null;
    const nowUs = options.asOf ? options.asOf.getTime() * 1000 : await latestPollUs(client);
    if (nowUs === null || !Number.isFinite(nowUs)) return null;
    const end = `'${formatInstant(nowUs)}'::timestamptz`;
    const counted = await client.query<{ stores: string }>(`SELECT count(*)::text AS stores FROM polled_stores WHERE first_poll_utc <= ${end}`);
    const stores = Number(counted.rows[0]?.stores ?? 0);
    if (stores <= options.shardStores) return null;
    // The first store of every range but the first. The stores are cut into as few ranges as
    // `shardStores` allows, of equal size (±1), rather than full ranges and a remainder: a small
    // last range would leave all but one worker idle at the end of the report. Range k (k ≥ 1)
    // starts at the first row number n with n × shards ≥ k × stores, each range holds at most
    // ⌈stores ÷ shards⌉ ≤ shardStores stores, and the count is the statement's own (a store added
    // meanwhile changes no cut's correctness: the ranges always cover every id).
    const starts = await client.query<{ store_id: string }>(
      `SELECT store_id FROM (
         SELECT store_id, row_number() OVER (ORDER BY store_id COLLATE "C") - 1 AS n, count(*) OVER () AS total
           FROM polled_stores WHERE first_poll_utc <= ${end}
       ) numbered
       CROSS JOIN LATERAL (SELECT (total + $1 - 1) / $1 AS shards) planned
       WHERE n > 0 AND (n * shards) / total > ((n - 1) * shards) / total
       ORDER BY n`,
      [options.shardStores],
    );
    const bounds = [null, ...starts.rows.map((row) => row.store_id), null];
    const ranges = bounds.slice(0, -1).map((from, i) => ({ from, to: bounds[i + 1] }));
    return { nowUs, stores, ranges };
  });
}
