import { apiKeyId, apiKeyMatches, grants, hashApiKey, type ApiKeyScope, type ApiKeysRepository } from '@store-uptime/db';
import { DependencyUnavailable } from '../problem/problem';
import { ANONYMOUS_ADMIN, insufficientScope, unauthenticated, type Caller } from './caller';

export interface ApiKeyVerifierOptions {
  /** false = API_AUTH=off: every request is an anonymous admin. */
  enabled: boolean;
  /** How long a verified key is trusted without asking PostgreSQL again: the bound on revocation. */
  cacheTtlMs: number;
  /** last_used_at is written at most this often per key (and process). */
  touchEveryMs?: number;
  now?: () => number;
}

/** Verified keys kept per process; a few hundred bytes each, the oldest goes first. */
const CACHE_LIMIT = 10_000;
const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Turns an Authorization header into a Caller, or a 401/403 problem. A key seen in the last
 * `cacheTtlMs` is answered from memory (status polls are thousands a second and must not cost a
 * PostgreSQL round trip each); the cache is keyed by the key's SHA-256, so it holds no key. A
 * revoked key is therefore refused by every API process within `cacheTtlMs` (API_KEY_CACHE_SECONDS).
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { caller: Caller; until: number }>();
  private readonly touched = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly options: ApiKeyVerifierOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.options.enabled;
  }

  /** The caller of a request with this Authorization header, allowed `needed`; throws 401/403 otherwise. */
  async authorize(authorization: string | undefined, needed: ApiKeyScope): Promise<Caller> {
    const caller = await this.authenticate(authorization);
    if (!grants(caller.scopes, needed)) throw insufficientScope(needed);
    return caller;
  }

  async authenticate(authorization: string | undefined): Promise<Caller> {
    if (!this.options.enabled) return ANONYMOUS_ADMIN;
    if (authorization === undefined || authorization === '') throw unauthenticated(false);
    const key = BEARER.exec(authorization)?.[1];
    const keyId = key === undefined ? null : apiKeyId(key);
    if (key === undefined || keyId === null) throw unauthenticated(true);

    const cacheKey = hashApiKey(key).toString('base64');
    const now = this.now();
    const cached = this.cache.get(cacheKey);
    if (cached && cached.until > now) {
      this.touch(cached.caller, now);
      return cached.caller;
    }
    // PostgreSQL down: 503 like any other read, never a 401 that would tell a client its key is bad.
    const row = await this.keys.findByKeyId(keyId).catch((error: unknown) => {
      throw new DependencyUnavailable('database', error);
    });
    if (!row || row.revokedAt !== null || !apiKeyMatches(key, row.hash)) {
      this.cache.delete(cacheKey);
      throw unauthenticated(true);
    }
    const caller: Caller = Object.freeze({ keyId: row.keyId, owner: row.owner, scopes: Object.freeze([...row.scopes]) });
    if (this.cache.size >= CACHE_LIMIT) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(cacheKey, { caller, until: now + this.options.cacheTtlMs });
    this.touch(caller, now);
    return caller;
  }

  /** last_used_at, written in the background at most once per `touchEveryMs`: never in the request's path. */
  private touch(caller: Caller, now: number): void {
    if (caller.keyId === null) return;
    const last = this.touched.get(caller.keyId) ?? 0;
    if (now - last < (this.options.touchEveryMs ?? 60_000)) return;
    this.touched.set(caller.keyId, now);
    this.keys.touch([caller.keyId]).catch(() => undefined);
  }
}
