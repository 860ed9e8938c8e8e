import { ensurePollPartitions, type PgSource, WEEK_ORIGIN_SQL, withPgClient } from '@store-uptime/db';

export type PollRow = readonly [storeId: string, status: string, timestamp: string];

/**
 * Puts polls straight into store_status, as a test's given data, in one transaction: their weekly
 * partitions first, then the rows, then the store list (polled_stores) as ingest keeps it. For
 * handfuls of rows; loading files is ingest's job (libs/db/src/ingest).
 */
export async function insertPolls(source: PgSource, polls: readonly PollRow[]): Promise<void> {
  const storeIds = polls.map((poll) => poll[0]);
  const statuses = polls.map((poll) => poll[1]);
  const timestamps = polls.map((poll) => poll[2]);
  await withPgClient(source, async (client) => {
    await client.query('BEGIN');
    try {
      const weeks = await client.query<{ week_us: string }>(
        `SELECT DISTINCT (extract(epoch FROM date_bin('7 days', t, ${WEEK_ORIGIN_SQL})) * 1000000)::bigint::text AS week_us
           FROM unnest($1::timestamptz[]) AS t`,
        [timestamps],
      );
      await ensurePollPartitions(client, weeks.rows.map((row) => Number(row.week_us)));
      await client.query(
        `INSERT INTO store_status (store_id, status, timestamp_utc) SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])`,
        [storeIds, statuses, timestamps],
      );
      await client.query(
        `INSERT INTO polled_stores AS s (store_id, first_poll_utc)
         SELECT store_id, min(t) FROM unnest($1::text[], $2::timestamptz[]) AS p(store_id, t) GROUP BY store_id
         ON CONFLICT (store_id) DO UPDATE SET first_poll_utc = least(s.first_poll_utc, excluded.first_poll_utc)`,
        [storeIds, timestamps],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}
