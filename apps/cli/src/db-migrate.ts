import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { describeDatabaseUrl } from '@store-uptime/config';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl, describeConnectError, migrateDown, migrateUp } from '@store-uptime/db';

/**
 * `npm run db:migrate [-- --down [N|all]]`: applies the pending migrations to `DATABASE_URL`, or
 * reverts the latest N (default 1). Run once per deploy (a Kubernetes Job), never by the apps.
 */
const USAGE = 'usage: npm run db:migrate -- [--down [N|all]] [--help]';
const HELP = `${USAGE}

Applies the pending database migrations, or with --down reverts the latest N (default 1, or all).
Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/store_uptime (the one npm start
uses). The database must exist; npm start creates it, or: createdb -h 127.0.0.1 -U postgres store_uptime`;

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let down: number | 'all' | null;
  try {
    down = parseDownOption(argv);
  } catch (error) {
    console.error(`db:migrate: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = databaseUrlFromEnv();
  const target = describeDatabaseUrl(url);
  console.log(`db:migrate: ${target}`);
  const dataSource = new DataSource(dataSourceOptionsFromUrl(url));
  try {
    await dataSource.initialize();
    const names = down === null ? await migrateUp(dataSource) : await migrateDown(dataSource, down);
    const verb = down === null ? 'applied' : 'reverted';
    console.log(names.length === 0 ? 'db:migrate: nothing to do, the schema is up to date' : `db:migrate: ${verb} ${names.join(', ')}`);
    return 0;
  } catch (error) {
    console.error(`db:migrate: failed on ${target}: ${describeConnectError(error, url)}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

/** `--down` alone reverts one migration; `--down 3` three; `--down all` everything. */
export function parseDownOption(argv: string[]): number | 'all' | null {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { down: { type: 'boolean' } },
    allowPositionals: true,
  });
  if (!values.down) {
    if (positionals.length > 0) throw new Error(`unexpected argument: ${positionals[0]}`);
    return null;
  }
  if (positionals.length === 0) return 1;
  if (positionals.length === 1 && positionals[0] === 'all') return 'all';
  if (positionals.length === 1 && /^[1-9]\d*$/.test(positionals[0])) return Number(positionals[0]);
  throw new Error(`--down takes a positive count or "all", not: ${positionals.join(' ')}`);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
