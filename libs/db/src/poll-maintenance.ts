import { type PgSource, withPgClient } from './pg-source';
import {
  dropPollPartitionsBefore,
  ensurePollPartitions,
  listPollPartitions,
  pollWeeksBetween,
  refreshPolledStores,
  WEEK_US,
} from './poll-partitions';

/**
 * `npm run db:maintain` as a library (apps/cli/src/db-maintain.ts is the command; a daily
 * Kubernetes CronJob in production): partitions ahead of the data, and retention.
 */

export const DEFAULT_POLL_RETENTION_DAYS = 35;
/** Weeks of partitions kept ready after the newest poll and after today. */
const PARTITION_WEEKS_AHEAD = 2;
const DAY_US = 24 * 3_600 * 1_000_000;

export interface PollMaintenanceOptions {
  /** Polls older than this many days before the newest poll go (whole weeks only, never a poll younger). */
  retentionDays: number;
  /** The wall clock, epoch µs (a seam for tests). */
  nowUs?: number;
}

export interface PollMaintenanceResult {
  /** The newest poll (epoch µs), the reference for retention; null when there are no polls. */
  latestPollUs: number | null;
  created: string[];
  dropped: string[];
  /** Stores whose earliest poll moved, and stores left without polls (dropped from the store list). */
  storesUpdated: number;
  storesRemoved: number;
}

export async function maintainPolls(source: PgSource, options: PollMaintenanceOptions): Promise<PollMaintenanceResult> {
  const nowUs = options.nowUs ?? Date.now() * 1_000;
  return withPgClient(source, async (client) => {
    const latest = await client.query<{ us: string | null }>(
      `SELECT (extract(epoch FROM max(timestamp_utc)) * 1000000)::bigint::text AS us FROM store_status`,
    );
    const latestPollUs = latest.rows[0].us === null ? null : Number(latest.rows[0].us);

    // Ahead of the data as loaded (it may lag the clock, or be a historical data set) and of the clock.
    const ahead = PARTITION_WEEKS_AHEAD * WEEK_US;
    const weeks = pollWeeksBetween(nowUs, nowUs + ahead);
    if (latestPollUs !== null) weeks.push(...pollWeeksBetween(latestPollUs, latestPollUs + ahead));
    await client.query('BEGIN');
    let created: string[];
    try {
      created = await ensurePollPartitions(client, weeks);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }

    // Retention counts back from the newest poll, not the clock: a data set that stopped arriving
    // (or a historical one) is never emptied by the calendar alone.
    let dropped: string[] = [];
    let stores = { updated: 0, removed: 0 };
    if (latestPollUs !== null) {
      dropped = await dropPollPartitionsBefore(client, latestPollUs - options.retentionDays * DAY_US);
      if (dropped.length > 0) {
        const oldest = (await listPollPartitions(client))[0];
        stores = await refreshPolledStores(client, oldest?.fromUs ?? Number.MAX_SAFE_INTEGER);
      }
    }
    return { latestPollUs, created, dropped, storesUpdated: stores.updated, storesRemoved: stores.removed };
  });
}
