import type { DataSource } from 'typeorm';
import { ApiKeyEntity } from '../entities/api-key.entity';
import { generateApiKey, isApiKeyId, type ApiKeyScope } from './api-key';

export interface NewApiKey {
  name: string;
  owner: string;
  scopes: ApiKeyScope[];
}

/** A key as listed: everything but its hash. */
export type ApiKeyRecord = Omit<ApiKeyEntity, 'hash'>;

/** The one owner of the api_keys table (the CLI, npm start, the API and the tests go through it). */
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a new key's hash and returns the key itself: the only time it exists outside its holder. */
  async create(input: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
    if (input.name.trim() === '' || input.owner.trim() === '') throw new Error('a key needs a name and an owner');
    for (;;) {
      const generated = generateApiKey();
      const rows: ApiKeyEntity[] = await this.dataSource.query(
        `INSERT INTO "api_keys" ("key_id", "hash", "name", "owner", "scopes") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT ("key_id") DO NOTHING
         RETURNING "key_id" AS "keyId", "name", "owner", "scopes", "created_at" AS "createdAt", "last_used_at" AS "lastUsedAt", "revoked_at" AS "revokedAt"`,
        [generated.keyId, generated.hash, input.name, input.owner, input.scopes],
      );
      // 2^32 ids: a clash is rare but possible; draw again rather than fail.
      if (rows[0]) return { key: generated.key, record: rows[0] };
    }
  }

  /** The row for a key id, hash included (the API compares it); null when unknown. */
  findByKeyId(keyId: string): Promise<ApiKeyEntity | null> {
    if (!isApiKeyId(keyId)) return Promise.resolve(null);
    return this.dataSource.getRepository(ApiKeyEntity).findOneBy({ keyId });
  }

  async list(): Promise<ApiKeyRecord[]> {
    const keys = await this.dataSource.getRepository(ApiKeyEntity).find({ order: { createdAt: 'ASC', keyId: 'ASC' } });
    return keys.map(({ hash: _hash, ...record }) => record);
  }

  /** Marks the key revoked (kept for the record); false when unknown or revoked already. */
  async revoke(keyId: string): Promise<boolean> {
    if (!isApiKeyId(keyId)) return false;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ revokedAt: () => 'now()' })
      .where('"key_id" = :keyId AND "revoked_at" IS NULL', { keyId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  async touch(keyIds: string[]): Promise<void> {
    if (keyIds.length === 0) return;
    await this.dataSource.query(`UPDATE "api_keys" SET "last_used_at" = now() WHERE "key_id" = ANY($1::text[])`, [keyIds]);
  }
}
