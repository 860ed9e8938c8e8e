import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';

/** Where bulk reads and loads get a raw `pg` connection: the app's TypeORM DataSource or a plain pool. */
export type PgSource = DataSource | Pool;

/**
 * Runs `use` on one pooled connection and gives it back. COPY streams need the `pg` client itself,
 * which TypeORM exposes through a QueryRunner, so bulk work shares the app's pool.
 */
export async function withPgClient<T>(source: PgSource, use: (client: PoolClient) => Promise<T>): Promise<T> {
  if ('createQueryRunner' in source) {
    const queryRunner = source.createQueryRunner();
    try {
      const client = (await queryRunner.connect()) as PoolClient;
      return await use(client);
    } finally {
      await queryRunner.release();
    }
  }
  const client = await source.connect();
  let failure: Error | undefined;
  try {
    return await use(client);
  } catch (error) {
    failure = error as Error;
    throw error;
  } finally {
    // A connection that failed mid-COPY may be in an unknown state: destroy it rather than reuse it.
    client.release(failure);
  }
}
