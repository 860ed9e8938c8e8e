import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { maintenanceDatabaseUrl } from '@store-uptime/config';
import { dataSourceOptionsFromUrl, migrateUp } from '@store-uptime/db';

export interface TempDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops the database, closing any connections still open to it. */
  drop(): Promise<void>;
}

/**
 * Creates an empty database with a unique name on the server of `serverUrl`, so several test or
 * benchmark runs can share one PostgreSQL without seeing each other's tables. Only the
 * server of `serverUrl` matters: the database is created from the server's maintenance database,
 * so `serverUrl` may name one that does not exist yet (e.g. the default `store_uptime` on a fresh
 * machine).
 */
export async function createTempDatabase(serverUrl: string, prefix = 'uptime_test'): Promise<TempDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`.toLowerCase();
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  const admin = maintenanceDatabaseUrl(serverUrl);
  await withClient(admin, (client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await withClient(admin, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * A temporary database with every migration applied and a TypeORM DataSource open on it, for
 * integration tests and benchmarks. `drop()` closes the DataSource and drops the database.
 */
export async function createMigratedDatabase(serverUrl: string, prefix = 'uptime_test'): Promise<TempDatabase & { dataSource: DataSource }> {
  const database = await createTempDatabase(serverUrl, prefix);
  const dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
  try {
    await dataSource.initialize();
    await migrateUp(dataSource);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
    throw error;
  }
  return {
    ...database,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}
