import { HttpStatus } from '@nestjs/common';
import type { ApiKeyScope } from '@store-uptime/db';
import { ProblemException, ProblemType } from '../problem/problem';

/** Who is asking: the key's id, owner and scopes. With API_AUTH=off, an anonymous admin. */
export interface Caller {
  keyId: string | null;
  /** Null only with API_AUTH=off. */
  owner: string | null;
  scopes: readonly ApiKeyScope[];
}

export const ANONYMOUS_ADMIN: Caller = Object.freeze({ keyId: null, owner: null, scopes: Object.freeze(['admin'] as ApiKeyScope[]) });

export function isAdmin(caller: Caller): boolean {
  return caller.scopes.includes('admin');
}

const REALM = 'realm="store-uptime"';

/** 401 with the RFC 6750 challenge; `invalid` when a key was sent but is unknown, malformed or revoked. */
export function unauthenticated(invalid: boolean): ProblemException {
  return new ProblemException(
    HttpStatus.UNAUTHORIZED,
    ProblemType.unauthenticated,
    'Unauthenticated',
    invalid
      ? 'The API key is not valid (unknown, malformed or revoked).'
      : 'Send an API key: Authorization: Bearer <key> (npm run keys -- create makes one).',
    {},
    { 'WWW-Authenticate': invalid ? `Bearer ${REALM}, error="invalid_token"` : `Bearer ${REALM}` },
  );
}

export function insufficientScope(needed: ApiKeyScope): ProblemException {
  return new ProblemException(
    HttpStatus.FORBIDDEN,
    ProblemType.forbidden,
    'Insufficient scope',
    `This route needs an API key with the ${needed} scope (or admin).`,
    { scope: needed },
    { 'WWW-Authenticate': `Bearer ${REALM}, error="insufficient_scope", scope="${needed}"` },
  );
}
