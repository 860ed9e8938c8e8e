import type { DataSource } from 'typeorm';

/**
 * Schema changes, for the one-off `npm run db:migrate` command (a Kubernetes Job in production)
 * and for tests. Apps never call these at start: two replicas migrating at once is a race.
 */

/** Applies every pending migration, each in its own transaction; returns the names applied. */
export async function migrateUp(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((migration) => migration.name);
}

/**
 * Reverts the latest `steps` applied migrations (newest first), or all of them; returns the
 * names reverted.
 */
export async function migrateDown(dataSource: DataSource, steps: number | 'all' = 1): Promise<string[]> {
  const reverted: string[] = [];
  for (;;) {
    if (steps !== 'all' && reverted.length >= steps) break;
    const latest = await latestAppliedMigration(dataSource);
    if (latest === null) break;
    await dataSource.undoLastMigration({ transaction: 'each' });
    reverted.push(latest);
  }
  return reverted;
}

async function latestAppliedMigration(dataSource: DataSource): Promise<string | null> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists: { present: boolean }[] = await dataSource.query(
    `SELECT to_regclass($1) IS NOT NULL AS present`,
    [table],
  );
  if (!exists[0]?.present) return null;
  const rows: { name: string }[] = await dataSource.query(
    `SELECT "name" FROM "${table}" ORDER BY "timestamp" DESC, "id" DESC LIMIT 1`,
  );
  return rows[0]?.name ?? null;
}
