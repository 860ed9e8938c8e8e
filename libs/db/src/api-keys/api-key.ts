import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** What a key may do; `admin` may do everything, on every owner's reports. */
export const API_KEY_SCOPES = ['reports:read', 'reports:write', 'admin'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

const KEY_PREFIX = 'su_live_';
/** `su_live_` + 8 hex (the visible id, also the lookup key) + `_` + 43 base64url (256 random bits). */
const KEY_FORM = /^su_live_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;
const KEY_ID_FORM = /^[0-9a-f]{8}$/;

export interface GeneratedApiKey {
  /** The whole key: shown once, never stored. */
  key: string;
  /** The visible id (`keys list`, `keys revoke`): not secret. */
  keyId: string;
  /** SHA-256 of the whole key: the only form that is stored. */
  hash: Buffer;
}

export function generateApiKey(): GeneratedApiKey {
  const keyId = randomBytes(4).toString('hex');
  const key = `${KEY_PREFIX}${keyId}_${randomBytes(32).toString('base64url')}`;
  return { key, keyId, hash: hashApiKey(key) };
}

/**
 * SHA-256, not a slow password hash: the key carries 256 random bits, so no dictionary or brute
 * force applies, and a slow hash would only cost CPU on every uncached request.
 */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** The visible id of a well-formed key; null for anything else (refused without a lookup). */
export function apiKeyId(key: string): string | null {
  return KEY_FORM.exec(key)?.[1] ?? null;
}

export function isApiKeyId(text: string): boolean {
  return KEY_ID_FORM.test(text);
}

/**
 * Whether `presented` is the key whose hash is stored. Both sides are fixed-length digests compared
 * with timingSafeEqual, so the time taken says nothing about how much of a guess was right.
 */
export function apiKeyMatches(presented: string, storedHash: Buffer): boolean {
  const hash = hashApiKey(presented);
  return hash.length === storedHash.length && timingSafeEqual(hash, storedHash);
}

/** `a,b` → scopes; throws naming the unknown ones. */
export function parseScopes(text: string): ApiKeyScope[] {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name.length > 0);
  const unknown = names.filter((name) => !(API_KEY_SCOPES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown scope ${unknown.join(', ')} (scopes: ${API_KEY_SCOPES.join(', ')})`);
  if (names.length === 0) throw new Error(`at least one scope is needed (scopes: ${API_KEY_SCOPES.join(', ')})`);
  return [...new Set(names)] as ApiKeyScope[];
}

/** `admin` implies every scope. */
export function grants(scopes: readonly ApiKeyScope[], needed: ApiKeyScope): boolean {
  return scopes.includes('admin') || scopes.includes(needed);
}
