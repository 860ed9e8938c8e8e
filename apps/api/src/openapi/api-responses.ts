import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { PROBLEM_EXAMPLES, type ProblemKind } from './api-examples';
import { schemaRef, type SchemaName } from './api-schemas';

/**
 * Decorators that declare an operation's answers in the OpenAPI document, all in one shape:
 * JSON answers by schema name with examples, problem answers by kind (grouped by status, each
 * with its example and headers), and the headers the API really sends.
 */

type Examples = Record<string, { summary: string; value: unknown }>;

/** Headers by name in `components.headers` (openapi-document.ts defines them). */
export type HeaderName = 'WwwAuthenticate' | 'Location' | 'RetryAfter' | 'RetryAfterWhileComputing' | 'RateLimitLimit' | 'RateLimitRemaining' | 'RateLimitReset' | 'CacheControlNoStore' | 'IdempotentReplayed';

export const RESPONSE_HEADERS: Record<HeaderName, { name: string; header: Record<string, unknown> }> = {
  Location: { name: 'Location', header: { description: 'Where the answer is: the status URL (202) or the presigned CSV URL (302)', required: true, schema: { type: 'string' } } },
  RetryAfter: { name: 'Retry-After', header: { description: 'Seconds to wait before asking again', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } } },
  RetryAfterWhileComputing: { name: 'Retry-After', header: { description: 'Seconds to wait before asking again (only while the report is being computed)', schema: { type: 'string', pattern: '^[0-9]+$' } } },
  WwwAuthenticate: {
    name: 'WWW-Authenticate',
    header: {
      description: 'The RFC 6750 Bearer challenge: error="invalid_token" for a bad key, error="insufficient_scope" with the scope needed (403)',
      required: true,
      schema: { type: 'string', pattern: '^Bearer realm="store-uptime"' },
    },
  },
  RateLimitLimit: { name: 'RateLimit-Limit', header: { description: 'Triggers allowed per API key per minute (absent when TRIGGER_RATE_LIMIT is 0)', schema: { type: 'string', pattern: '^[0-9]+$' } } },
  RateLimitRemaining: { name: 'RateLimit-Remaining', header: { description: 'Triggers left in this minute', schema: { type: 'string', pattern: '^[0-9]+$' } } },
  RateLimitReset: { name: 'RateLimit-Reset', header: { description: 'Seconds until the budget is full again', schema: { type: 'string', pattern: '^[0-9]+$' } } },
  IdempotentReplayed: { name: 'Idempotent-Replayed', header: { description: 'true: the report an earlier request with this Idempotency-Key started', schema: { type: 'string', const: 'true' } } },
  CacheControlNoStore: { name: 'Cache-Control', header: { description: 'Status answers change: never cached', required: true, schema: { type: 'string', const: 'no-store' } } },
};

function headers(names: HeaderName[]): Record<string, { $ref: string }> | undefined {
  if (names.length === 0) return undefined;
  return Object.fromEntries(names.map((name) => [RESPONSE_HEADERS[name].name, { $ref: `#/components/headers/${name}` }]));
}

export function ApiJsonAnswer(status: number, description: string, schema: SchemaName, examples: Examples, headerNames: HeaderName[] = []) {
  return ApiResponse({ status, description, headers: headers(headerNames), content: { 'application/json': { schema: schemaRef(schema), examples } } });
}

export function ApiTextAnswer(status: number, description: string, mediaType: string, example: string, headerNames: HeaderName[] = []) {
  return ApiResponse({ status, description, headers: headers(headerNames), content: { [mediaType]: { schema: { type: 'string' }, example } } });
}

/** An answer without a body (204). */
export function ApiEmptyAnswer(status: number, description: string) {
  return ApiResponse({ status, description });
}

export function ApiRedirectAnswer(status: number, description: string) {
  return ApiResponse({ status, description, headers: headers(['Location', 'CacheControlNoStore']) });
}

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed request: an unknown query parameter, an invalid field or id, or a webhook URL that resolves to a private address (each listed in `errors`)',
  401: 'No API key, or one that is unknown, malformed or revoked (WWW-Authenticate says which)',
  403: 'The API key lacks the scope this operation needs (admin has every scope)',
  404: 'Unknown report, store or webhook (another owner\'s is unknown too)',
  409: 'A conflict with the report\'s state: not complete yet (Retry-After), failed or cancelled; already finished; or an Idempotency-Key used with other parameters',
  410: 'Expired: older than REPORT_RETENTION_DAYS (default 30), its CSV deleted',
  413: 'Body over 16 kB',
  415: 'A body that is not application/json',
  429: 'Too many triggers with this API key (TRIGGER_RATE_LIMIT per minute, shared by every trigger route)',
  500: 'Unexpected error (logged; its text is never sent)',
  503: 'Redis or PostgreSQL not answering within its deadline',
};

/** Problem answers that carry a header. */
const PROBLEM_HEADERS: Partial<Record<number, HeaderName[]>> = { 401: ['WwwAuthenticate'], 403: ['WwwAuthenticate'], 409: ['RetryAfterWhileComputing'], 429: ['RetryAfter'], 503: ['RetryAfter'] };

/** The key check's answers of an operation that needs reports:read or reports:write (ApiKeyGuard, the status fast lane). */
export const READ_KEY_PROBLEMS = ['unauthenticated', 'invalidApiKey', 'readScopeMissing'] as const satisfies readonly ProblemKind[];
export const WRITE_KEY_PROBLEMS = ['unauthenticated', 'invalidApiKey', 'writeScopeMissing'] as const satisfies readonly ProblemKind[];

/**
 * The operation's problem+json answers. Every operation can answer 400 (unknown query parameters)
 * and 500, so those two are always declared.
 */
export function ApiProblems(...kinds: ProblemKind[]) {
  const all: ProblemKind[] = ['unknownQueryParameter', ...kinds, 'internalError'];
  const byStatus = new Map<number, Examples>();
  for (const kind of all) {
    const example = PROBLEM_EXAMPLES[kind];
    const examples = byStatus.get(example.value.status) ?? {};
    examples[kind] = example;
    byStatus.set(example.value.status, examples);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, examples]) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? 'Problem',
        headers: headers(PROBLEM_HEADERS[status] ?? []),
        content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem'), examples } },
      }),
    ),
  );
}
