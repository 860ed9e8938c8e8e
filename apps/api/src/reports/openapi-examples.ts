import type { ApiResponseOptions } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_FORM } from './report-params';
import { openApiSchemas } from './report-views';

/** Examples of the OpenAPI document: one per answer, in the shapes the API really sends. */

const ID = '5f0c3c1e9b8a4d2f8e7a6b5c4d3e2f10';
const links = { self: `/reports/${ID}`, download: `/reports/${ID}/download` };

export const EXAMPLE_ID = ID;

export const examples = {
  accepted: { id: ID, status: 'queued', links },
  details: {
    id: ID,
    status: 'complete',
    progress: 1,
    parameters: { as_of: null, method: 'hourly' },
    counts: { stores: 14092, polls_after_now: 0 },
    now_used: '2023-01-25T18:13:22.479Z',
    warnings: [{ code: 'stores_without_zone', count: 3 }],
    error: null,
    attempts: 1,
    created_at: '2026-12-02T14:00:00.000Z',
    started_at: '2026-12-02T14:00:00.120Z',
    finished_at: '2026-12-02T14:00:02.410Z',
    links,
  },
  cancelled: {
    id: ID,
    status: 'cancelled',
    progress: 0,
    parameters: { as_of: null, method: 'hourly' },
    counts: { stores: null, polls_after_now: null },
    now_used: null,
    warnings: [],
    error: null,
    attempts: 1,
    created_at: '2026-12-02T14:00:00.000Z',
    started_at: '2026-12-02T14:00:00.120Z',
    finished_at: '2026-12-02T14:00:00.900Z',
    links,
  },
  list: {
    items: [],
    next: '/reports?status=complete&limit=20&cursor=eyJjIjoiMjAyNi0xMi0wMlQxNDowMDowMC4wMDAxMjNaIiwiaSI6IjVmMGMzYzFlOWI4YTRkMmY4ZTdhNmI1YzRkM2UyZjEwIn0',
  },
};

function problemExample(status: number, type: string, title: string, detail: string, instance: string, extra: object = {}) {
  return { type: type === 'about:blank' ? type : `urn:store-uptime:problem:${type}`, title, status, detail, instance, ...extra };
}

type Schema = (typeof openApiSchemas)[keyof typeof openApiSchemas];

/** A JSON answer's content: its schema and an example. */
export function jsonContent(schema: Schema, example: unknown) {
  return { content: { 'application/json': { schema, example } } };
}

/** An error answer: problem+json with its schema and an example. */
function problem(status: number, description: string, example: ReturnType<typeof problemExample>): ApiResponseOptions {
  return { status, description, content: { 'application/problem+json': { schema: openApiSchemas.problem, example } } };
}

const path = `/reports/${ID}`;

export const problems = {
  invalidId: (instance = path) =>
    problem(400, 'Malformed id', problemExample(400, 'invalid-report-id', 'Invalid report id', 'A report id is 32 lowercase hexadecimal characters.', instance)),
  notFound: (instance = path) =>
    problem(404, 'Unknown id', problemExample(404, 'report-not-found', 'Report not found', `There is no report ${ID}.`, instance)),
  invalidTrigger: problem(
    400,
    `Malformed parameters, or an Idempotency-Key that is not ${IDEMPOTENCY_KEY_FORM}`,
    problemExample(400, 'invalid-request', 'Invalid request', 'method: Invalid option: expected one of "hourly"|"step"', '/reports', {
      errors: [{ path: 'method', message: 'Invalid option: expected one of "hourly"|"step"' }],
    }),
  ),
  invalidListQuery: problem(
    400,
    'Bad filters: every bad field is listed in `errors`',
    problemExample(400, 'invalid-request', 'Invalid request', 'status: Invalid option; limit: Too big: expected number to be <=100', '/reports', {
      errors: [
        { path: 'status', message: 'Invalid option: expected one of "queued"|"running"|"complete"|"failed"|"cancelled"|"expired"' },
        { path: 'limit', message: 'Too big: expected number to be <=100' },
      ],
    }),
  ),
  keyReused: (instance = '/reports') =>
    problem(
      409,
      'The Idempotency-Key was used in the last 24 h with other parameters',
      problemExample(409, 'idempotency-key-reused', 'Idempotency key reused', 'This Idempotency-Key was used in the last 24 h with other parameters; use a new key for a new report.', instance),
    ),
  tooMany: (instance = '/reports') =>
    problem(429, 'Too many triggers (TRIGGER_RATE_LIMIT per client per minute); see Retry-After', problemExample(429, 'about:blank', 'Too Many Requests', 'ThrottlerException: Too Many Requests', instance)),
  unavailable: (instance = path) =>
    problem(
      503,
      'Redis or PostgreSQL unavailable; see Retry-After',
      problemExample(503, 'dependency-unavailable', 'Service temporarily unavailable', 'The database is not reachable; try again shortly.', instance),
    ),
  finished: problem(
    409,
    'The report is already complete, failed or expired',
    problemExample(409, 'report-finished', 'Report already finished', 'The report is complete; only a queued or running report can be cancelled.', `${path}/cancel`),
  ),
  notDownloadable: problem(
    409,
    'Not complete yet (Retry-After: 1), failed, or cancelled',
    problemExample(409, 'report-not-complete', 'Report not complete', 'The report is still being computed; poll GET /reports/{id} until it is complete.', `${path}/download`),
  ),
  expired: (instance = `${path}/download`) =>
    problem(
      410,
      'Older than REPORT_RETENTION_DAYS (default 30): the CSV was deleted',
      problemExample(410, 'report-expired', 'Report expired', `Report ${ID} is older than the retention period and its CSV was deleted; trigger a new report.`, instance),
    ),
};

export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    `${IDEMPOTENCY_KEY_FORM}. The same key with the same parameters within 24 h returns the same report (200, the first answer's body, ` +
    'header Idempotent-Replayed: true) instead of starting another; with other parameters, 409. Kept in PostgreSQL, so it holds across API replicas and restarts.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
  example: 'order-2026-12-02-0001',
} as const;
