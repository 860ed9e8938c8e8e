import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from './data-source-options';
import { migrateDown, migrateUp } from './migrate';
import { createTempDatabase, type TempDatabase } from '../../../test/support/temp-database';

const TABLES = ['api_keys', 'business_hours', 'polled_stores', 'report_callbacks', 'report_idempotency_keys', 'report_rows', 'reports', 'store_status', 'store_timezones', 'webhook_attempts', 'webhook_endpoints', 'webhook_messages'];
const WEBHOOK_TABLES = ['report_callbacks', 'webhook_attempts', 'webhook_endpoints', 'webhook_messages'];

async function userTables(dataSource: DataSource): Promise<string[]> {
  const rows: { table_name: string }[] = await dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations' ORDER BY table_name`,
  );
  return rows.map((row) => row.table_name);
}

describe('migrations', () => {
  let database: TempDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTempDatabase(databaseUrlFromEnv());
    dataSource = await new DataSource(dataSourceOptionsFromUrl(database.url)).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('creates every table, and the entities need no further schema change', async () => {
    expect(await migrateUp(dataSource)).toEqual([
      'CreateInputTables1795800000000',
      'CreateReports1795800000001',
      'AddReportWarnings1795800000002',
      'ReportLifecycle1795800000010',
      'PartitionStoreStatus1795800000020',
      'IndexStoreHoursAndZones1795800000030',
      'ApiKeys1795800000040',
      'ReportRows1795800000050',
      'Webhooks1795800000060',
      'CoverBusinessHoursByStore1795800000070',
    ]);
    expect(await userTables(dataSource)).toEqual(TABLES);
    // What `synchronize` would do now: nothing, so the entities and the migrations agree.
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    expect(await migrateUp(dataSource)).toEqual([]);
  });

  it.each([
    [
      'an unknown poll status',
      `CREATE TABLE IF NOT EXISTS store_status_w20230116 PARTITION OF store_status FOR VALUES FROM ('2023-01-16Z') TO ('2023-01-23Z');
       INSERT INTO store_status (store_id, status, timestamp_utc) VALUES ('s', 'paused', '2023-01-17Z')`,
      'store_status_status_known',
    ],
    ['a day of week outside 0–6', `INSERT INTO business_hours (store_id, day_of_week, start_time_local, end_time_local) VALUES ('s', 7, '09:00', '17:00')`, 'business_hours_day_of_week_range'],
    ['a report id that is not 32 lowercase hex characters', `INSERT INTO reports (id, method) VALUES ('ABC', 'hourly')`, 'reports_id_hex'],
    ['an unknown report status', `INSERT INTO reports (id, status) VALUES ('${'a'.repeat(32)}', 'done')`, 'reports_status_known'],
    ['a second row for one idempotency key', `INSERT INTO report_idempotency_keys (key, fingerprint, report_id) VALUES ('k', 'f', '${'e'.repeat(32)}'), ('k', 'g', '${'f'.repeat(32)}')`, 'report_idempotency_keys_pkey'],
    ['an API key id that is not 8 hex characters', `INSERT INTO api_keys (key_id, hash, name, owner, scopes) VALUES ('ABCDEFGH', decode(repeat('00', 32), 'hex'), 'n', 'o', '{admin}')`, 'api_keys_key_id_hex'],
    ['an API key hash that is not a SHA-256', `INSERT INTO api_keys (key_id, hash, name, owner, scopes) VALUES ('0123abcd', 'short', 'n', 'o', '{admin}')`, 'api_keys_hash_sha256'],
    ['an unknown API key scope', `INSERT INTO api_keys (key_id, hash, name, owner, scopes) VALUES ('0123abcd', decode(repeat('00', 32), 'hex'), 'n', 'o', '{root}')`, 'api_keys_scopes_known'],
    ['an API key without scopes', `INSERT INTO api_keys (key_id, hash, name, owner, scopes) VALUES ('0123abcd', decode(repeat('00', 32), 'hex'), 'n', 'o', '{}')`, 'api_keys_scopes_known'],
    ['an unknown webhook event', `INSERT INTO webhook_endpoints (id, url, events, secret) VALUES ('${'a'.repeat(32)}', 'https://example.com', '{report.started}', 's')`, 'webhook_endpoints_events_known'],
    ['a webhook endpoint without events', `INSERT INTO webhook_endpoints (id, url, events, secret) VALUES ('${'a'.repeat(32)}', 'https://example.com', '{}', 's')`, 'webhook_endpoints_events_known'],
    ['a message of an unknown report', `INSERT INTO webhook_messages (id, report_id, event) VALUES ('msg_1', '${'9'.repeat(32)}', 'report.failed')`, 'webhook_messages_report_fkey'],
    ['an unknown method', `INSERT INTO reports (id, method) VALUES ('${'b'.repeat(32)}', 'daily')`, 'reports_method_known'],
    ['a second row for one store of a report', `INSERT INTO report_rows VALUES ('${'a'.repeat(32)}', 's1', 1, 1, 1, 0, 0, 0), ('${'a'.repeat(32)}', 's1', 2, 2, 2, 0, 0, 0)`, 'report_rows_pkey'],
    ['warnings that are not a list', `INSERT INTO reports (id, warnings) VALUES ('${'c'.repeat(32)}', '{"code":"no_polls"}')`, 'reports_warnings_list'],
  ])('rejects %s', async (_label, sql, constraint) => {
    await expect(dataSource.query(sql)).rejects.toThrow(constraint);
  });

  it('fills the report defaults', async () => {
    const id = '0123456789abcdef0123456789abcdef';
    await dataSource.query(`INSERT INTO reports (id) VALUES ($1)`, [id]);
    const [row] = await dataSource.query(`SELECT status, method, progress, attempts, warnings, created_at FROM reports WHERE id = $1`, [id]);
    expect(row).toMatchObject({ status: 'queued', method: 'hourly', progress: 0, attempts: 0, warnings: [] });
    expect(row.created_at).toBeInstanceOf(Date);
  });

  it('reverts one step at a time, then everything, and applies again', async () => {
    const cancelled = 'd'.repeat(32);
    await dataSource.query(`INSERT INTO reports (id, status, owner) VALUES ($1, 'cancelled', 'acme')`, [cancelled]);
    const hoursIndex = `SELECT indexdef FROM pg_indexes WHERE indexname = 'business_hours_store_id_idx'`;
    expect((await dataSource.query(hoursIndex))[0].indexdef).toContain('INCLUDE (day_of_week, start_time_local, end_time_local)');
    expect(await migrateDown(dataSource)).toEqual(['CoverBusinessHoursByStore1795800000070']);
    expect((await dataSource.query(hoursIndex))[0].indexdef).not.toContain('INCLUDE');
    expect(await migrateDown(dataSource)).toEqual(['Webhooks1795800000060']);
    expect(await userTables(dataSource)).toEqual(TABLES.filter((table) => !WEBHOOK_TABLES.includes(table)));
    expect(await migrateDown(dataSource)).toEqual(['ReportRows1795800000050']);
    expect(await userTables(dataSource)).toEqual(TABLES.filter((table) => table !== 'report_rows' && !WEBHOOK_TABLES.includes(table)));
    expect(await migrateDown(dataSource)).toEqual(['ApiKeys1795800000040']);
    expect(await userTables(dataSource)).toEqual(TABLES.filter((table) => table !== 'api_keys' && table !== 'report_rows' && !WEBHOOK_TABLES.includes(table)));
    const [{ owners }] = await dataSource.query(`SELECT count(*)::int AS owners FROM information_schema.columns WHERE table_name = 'reports' AND column_name = 'owner'`);
    expect(owners).toBe(0);
    const storeIndexes = `SELECT count(*)::int AS count FROM pg_indexes WHERE indexname IN ('business_hours_store_id_idx', 'store_timezones_store_id_idx')`;
    expect((await dataSource.query(storeIndexes))[0].count).toBe(2);
    expect(await migrateDown(dataSource)).toEqual(['IndexStoreHoursAndZones1795800000030']);
    expect((await dataSource.query(storeIndexes))[0].count).toBe(0);
    expect(await migrateDown(dataSource)).toEqual(['PartitionStoreStatus1795800000020']);
    expect(await migrateDown(dataSource)).toEqual(['ReportLifecycle1795800000010']);
    // The old schema has no cancelled state: such a report reads as failed, saying why.
    expect(await dataSource.query(`SELECT status, error FROM reports WHERE id = $1`, [cancelled])).toEqual([{ status: 'failed', error: 'the report was cancelled' }]);
    expect(await userTables(dataSource)).toEqual(['business_hours', 'reports', 'store_status', 'store_timezones']);
    expect(await migrateDown(dataSource)).toEqual(['AddReportWarnings1795800000002']);
    const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM information_schema.columns WHERE table_name = 'reports' AND column_name = 'warnings'`);
    expect(count).toBe(0);
    expect(await migrateDown(dataSource)).toEqual(['CreateReports1795800000001']);
    expect(await userTables(dataSource)).toEqual(['business_hours', 'store_status', 'store_timezones']);
    expect(await migrateDown(dataSource, 'all')).toEqual(['CreateInputTables1795800000000']);
    expect(await userTables(dataSource)).toEqual([]);
    expect(await migrateDown(dataSource, 'all')).toEqual([]);
    expect(await migrateUp(dataSource)).toHaveLength(10);
    expect(await userTables(dataSource)).toEqual(TABLES);
  });
});
