import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl, migrateDown, migrateUp } from '@store-uptime/db';

/**
 * `npm run db:migrate [-- --down [N|all]]`: applies the pending migrations to `DATABASE_URL`, or
 * reverts the latest N (default 1). Run once per deploy (a Kubernetes Job), never by the apps.
 */
const USAGE = 'usage: db:migrate [--down [N|all]]   (database: DATABASE_URL)';

export async function main(argv: string[]): Promise<number> {
  let down: number | 'all' | null;
  try {
    down = parseDownOption(argv);
  } catch (error) {
    console.error(`db:migrate: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = databaseUrlFromEnv();
  const dataSource = new DataSource(dataSourceOptionsFromUrl(url));
  try {
    await dataSource.initialize();
    const names = down === null ? await migrateUp(dataSource) : await migrateDown(dataSource, down);
    const verb = down === null ? 'applied' : 'reverted';
    console.log(names.length === 0 ? `db:migrate: nothing to do (${redact(url)})` : `db:migrate: ${verb} ${names.join(', ')}`);
    return 0;
  } catch (error) {
    console.error(`db:migrate: failed on ${redact(url)}: ${(error as Error).message}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

/** `--down` alone reverts one migration; `--down 3` three; `--down all` everything. */
export function parseDownOption(argv: string[]): number | 'all' | null {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { down: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help) throw new Error('help requested');
  if (!values.down) {
    if (positionals.length > 0) throw new Error(`unexpected argument: ${positionals[0]}`);
    return null;
  }
  if (positionals.length === 0) return 1;
  if (positionals.length === 1 && positionals[0] === 'all') return 'all';
  if (positionals.length === 1 && /^[1-9]\d*$/.test(positionals[0])) return Number(positionals[0]);
  throw new Error(`--down takes a positive count or "all", not: ${positionals.join(' ')}`);
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
