import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { describeDatabaseUrl } from '@store-uptime/config';
import {
  ApiKeysRepository,
  databaseUrlFromEnv,
  dataSourceOptionsFromUrl,
  describeConnectError,
  isApiKeyId,
  parseScopes,
  type ApiKeyRecord,
  type NewApiKey,
} from '@store-uptime/db';

/**
 * `npm run keys -- create|list|revoke`: the API keys of the database at DATABASE_URL. A key is
 * printed once, by `create`; the database keeps only its SHA-256.
 */
const USAGE = `usage: npm run keys -- create --name N --owner O --scopes a,b
       npm run keys -- list
       npm run keys -- revoke <key id>`;
const HELP = `${USAGE}

API keys for Authorization: Bearer <key> on every report route.
  create   makes a key and prints it ONCE (the database keeps only its SHA-256); scopes are
           reports:read, reports:write and admin (admin: everything, every owner's reports)
  list     every key: id, name, owner, scopes, created, last used, revoked (never the key)
  revoke   refuses the key from then on (each API process within API_KEY_CACHE_SECONDS)
The key id is the 8 hex characters after su_live_ (shown by create and list).
Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/store_uptime (the one npm start uses).`;

type Command = { command: 'create'; key: NewApiKey } | { command: 'list' } | { command: 'revoke'; keyId: string };

export function parseKeysCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { name: { type: 'string' }, owner: { type: 'string' }, scopes: { type: 'string' } },
    allowPositionals: true,
  });
  const [command, ...rest] = positionals;
  if (command === 'create') {
    if (rest.length > 0) throw new Error(`unexpected argument: ${rest[0]}`);
    if (!values.name?.trim()) throw new Error('create needs --name');
    if (!values.owner?.trim()) throw new Error('create needs --owner');
    if (values.scopes === undefined) throw new Error('create needs --scopes (reports:read, reports:write, admin)');
    return { command, key: { name: values.name.trim(), owner: values.owner.trim(), scopes: parseScopes(values.scopes) } };
  }
  if (values.name !== undefined || values.owner !== undefined || values.scopes !== undefined) {
    throw new Error('--name, --owner and --scopes go with create only');
  }
  if (command === 'list') {
    if (rest.length > 0) throw new Error(`unexpected argument: ${rest[0]}`);
    return { command };
  }
  if (command === 'revoke') {
    // A whole key is accepted too (people paste it); only its id is used.
    const keyId = rest.length === 1 ? /^(?:su_live_)?([0-9a-f]{8})(?:_.*)?$/.exec(rest[0])?.[1] : undefined;
    if (keyId === undefined || !isApiKeyId(keyId)) throw new Error('revoke needs one key id (8 hex characters, see keys list)');
    return { command, keyId };
  }
  throw new Error(command === undefined ? 'a command is needed' : `unknown command: ${command}`);
}

export function formatKeyList(keys: ApiKeyRecord[]): string {
  if (keys.length === 0) return 'no keys';
  const when = (date: Date | null) => (date === null ? '-' : date.toISOString());
  const header = ['id', 'name', 'owner', 'scopes', 'created', 'last used', 'revoked'];
  const rows = keys.map((key) => [key.keyId, key.name, key.owner, key.scopes.join(','), when(key.createdAt), when(key.lastUsedAt), when(key.revokedAt)]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  return [header, ...rows].map((row) => row.map((cell, column) => cell.padEnd(widths[column])).join('  ').trimEnd()).join('\n');
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let command: Command;
  try {
    command = parseKeysCommand(argv);
  } catch (error) {
    console.error(`keys: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = databaseUrlFromEnv();
  const target = describeDatabaseUrl(url);
  console.error(`keys: ${target}`);
  const dataSource = new DataSource(dataSourceOptionsFromUrl(url));
  try {
    await dataSource.initialize();
    const keys = new ApiKeysRepository(dataSource);
    if (command.command === 'create') {
      const { key, record } = await keys.create(command.key);
      console.error(`keys: created ${record.keyId} (${record.name}, owner ${record.owner}, ${record.scopes.join(',')}); the key is shown this once:`);
      // The key alone on stdout, so `KEY=$(npm run -s keys -- create …)` works.
      console.log(key);
    } else if (command.command === 'list') {
      console.log(formatKeyList(await keys.list()));
    } else {
      if (!(await keys.revoke(command.keyId))) {
        console.error(`keys: no active key ${command.keyId}`);
        return 1;
      }
      console.log(`keys: revoked ${command.keyId}`);
    }
    return 0;
  } catch (error) {
    console.error(`keys: failed on ${target}: ${describeConnectError(error, url)}`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => process.exit(code));
}
