import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from '../data-source-options';
import { migrateUp } from '../migrate';
import { createTempDatabase, type TempDatabase } from '../../../../test/support/temp-database';
import { apiKeyId, apiKeyMatches } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';

describe('ApiKeysRepository on PostgreSQL', () => {
  let database: TempDatabase;
  let dataSource: DataSource;
  let keys: ApiKeysRepository;

  beforeAll(async () => {
    database = await createTempDatabase(databaseUrlFromEnv());
    dataSource = await new DataSource(dataSourceOptionsFromUrl(database.url, { poolSize: 2 })).initialize();
    await migrateUp(dataSource);
    keys = new ApiKeysRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('stores the hash of a new key, never the key, and finds it by its visible id', async () => {
    const { key, record } = await keys.create({ name: 'ci', owner: 'acme', scopes: ['reports:read'] });
    expect(apiKeyId(key)).toBe(record.keyId);
    expect(record).toMatchObject({ name: 'ci', owner: 'acme', scopes: ['reports:read'], lastUsedAt: null, revokedAt: null });
    const row = await keys.findByKeyId(record.keyId);
    expect(row && apiKeyMatches(key, row.hash)).toBe(true);
    const [stored] = await dataSource.query<{ text: string }[]>(`SELECT t::text AS text FROM api_keys t WHERE key_id = $1`, [record.keyId]);
    expect(stored.text).not.toContain(key.slice(17));
    expect(await keys.findByKeyId('ffffffff')).toBeNull();
    expect(await keys.findByKeyId('not an id')).toBeNull();
  });

  it('revokes once, lists without hashes, records last use', async () => {
    const { record } = await keys.create({ name: 'old', owner: 'acme', scopes: ['admin'] });
    await keys.touch([record.keyId]);
    expect(await keys.revoke(record.keyId)).toBe(true);
    expect(await keys.revoke(record.keyId)).toBe(false);
    expect(await keys.revoke('ffffffff')).toBe(false);
    const listed = (await keys.list()).find((key) => key.keyId === record.keyId);
    expect(listed).toEqual(expect.objectContaining({ revokedAt: expect.any(Date), lastUsedAt: expect.any(Date) }));
    expect(listed).not.toHaveProperty('hash');
  });

  it('refuses a key without a name or an owner', async () => {
    await expect(keys.create({ name: ' ', owner: 'acme', scopes: ['admin'] })).rejects.toThrow('a name and an owner');
  });
});
