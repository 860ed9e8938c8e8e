import { Check, Column, Entity, PrimaryColumn } from 'typeorm';
import type { ApiKeyScope } from '../api-keys/api-key';

/**
 * An API key, without the key: its SHA-256 is all that is kept (libs/db/src/api-keys/api-key.ts
 * says why a fast hash). Written and read only by ApiKeysRepository.
 */
@Entity({ name: 'api_keys' })
@Check('api_keys_key_id_hex', `"key_id" ~ '^[0-9a-f]{8}$'`)
@Check('api_keys_hash_sha256', `octet_length("hash") = 32`)
@Check('api_keys_scopes_known', `"scopes" <@ ARRAY['reports:read', 'reports:write', 'admin']::text[] AND cardinality("scopes") > 0`)
export class ApiKeyEntity {
  /** The visible part of the key (`su_live_<key_id>_…`), used to find the row. */
  @PrimaryColumn({ name: 'key_id', type: 'char', length: 8 })
  keyId!: string;

  @Column({ type: 'bytea' })
  hash!: Buffer;

  @Column({ type: 'text' })
  name!: string;

  /** Whose reports the key creates and sees (an `admin` key sees every owner's). */
  @Column({ type: 'text' })
  owner!: string;

  @Column({ type: 'text', array: true })
  scopes!: ApiKeyScope[];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  /** Updated at most once a minute per key per API process (not on every request). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
