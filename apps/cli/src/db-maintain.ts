import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { describeDatabaseUrl } from '@store-uptime/config';
import { databaseUrlFromEnv, DEFAULT_POLL_RETENTION_DAYS, describeConnectError, maintainPolls } from '@store-uptime/db';

/**
 * `npm run db:maintain [-- --retention-days N]`: the poll history's housekeeping on `DATABASE_URL`
 * (libs/db/src/poll-maintenance.ts). Run it daily: a Kubernetes CronJob in production; `npm start`
 * and docker compose run it once at start.
 */
const USAGE = 'usage: npm run db:maintain -- [--retention-days N] [--help]';
const HELP = `${USAGE}

Makes the weekly partitions of the poll table for the next weeks (after the newest poll and after
today), then drops the weeks whose polls are all older than the retention before the newest poll:
--retention-days, else POLL_RETENTION_DAYS, else ${DEFAULT_POLL_RETENTION_DAYS} (at least 8: a report needs 7 days and the
poll before them). Whole weeks only, so up to 6 more days are kept. Safe beside running reports
and ingests (it waits for neither's end and makes neither wait).
Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/store_uptime.`;

/** The retention in days: the flag, else POLL_RETENTION_DAYS, else the default; 8 … 36500. */
export function parseRetentionDays(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  const { values } = parseArgs({ args: argv, options: { 'retention-days': { type: 'string' } }, strict: true });
  const [text, name] = values['retention-days'] !== undefined
    ? [values['retention-days'], '--retention-days']
    : [env.POLL_RETENTION_DAYS || String(DEFAULT_POLL_RETENTION_DAYS), 'POLL_RETENTION_DAYS'];
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(days >= 8 && days <= 36_500)) throw new Error(`${name}: expected whole days from 8 to 36500, got ${JSON.stringify(text)}`);
  return days;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let retentionDays: number;
  try {
    retentionDays = parseRetentionDays(argv);
  } catch (error) {
    console.error(`db:maintain: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = databaseUrlFromEnv();
  const target = describeDatabaseUrl(url);
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const result = await maintainPolls(pool, { retentionDays });
    const latest = result.latestPollUs === null ? 'no polls' : `newest poll ${new Date(result.latestPollUs / 1000).toISOString()}`;
    console.log(
      `db:maintain: ${target}: ${latest}, retention ${retentionDays} days; ` +
        `partitions made: ${result.created.join(', ') || 'none'}; dropped: ${result.dropped.join(', ') || 'none'}` +
        (result.dropped.length > 0 ? `; store list: ${result.storesUpdated} first polls moved, ${result.storesRemoved} stores without polls left it` : ''),
    );
    return 0;
  } catch (error) {
    console.error(`db:maintain: failed on ${target}: ${describeConnectError(error, url)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
