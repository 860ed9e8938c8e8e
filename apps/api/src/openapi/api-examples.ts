import { ProblemType } from '../problem/problem';
import { IDEMPOTENCY_KEY_FORM } from '../reports/report-params';

/** Example values of the document (each checked against its schema by Spectral's oas3-valid-*-example rules). */

export const EXAMPLE_ID = '3f2b8c1d9e7a4b6c8d0e1f2a3b4c5d6e';
const links = { self: `/reports/${EXAMPLE_ID}`, download: `/reports/${EXAMPLE_ID}/download` };
const presigned =
  `https://s3.example.com/store-uptime-reports/reports/${EXAMPLE_ID}.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400&X-Amz-Signature=0f1e2d`;

export const EXAMPLE_WEBHOOK_ID = '7c1e9a40b2d34f5e8a6b0c1d2e3f4a5b';
const EXAMPLE_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const webhook = {
  id: EXAMPLE_WEBHOOK_ID,
  url: 'https://hooks.example.com/store-uptime',
  events: ['report.completed', 'report.failed'],
  owner: 'acme',
  created_at: '2026-12-02T09:00:00.000Z',
  links: { self: `/webhooks/${EXAMPLE_WEBHOOK_ID}`, deliveries: `/webhooks/${EXAMPLE_WEBHOOK_ID}/deliveries` },
};

export const EXAMPLES = {
  triggerRequest: {
    defaults: { summary: 'Every default: now = the latest poll, hourly method', value: {} },
    asOfStep: { summary: 'A fixed "now" and the step method', value: { as_of: '2023-01-24T12:00:00Z', method: 'step' } },
    callback: { summary: 'Told by a signed webhook when it finishes', value: { callback_url: 'https://hooks.example.com/report-done' } },
  },
  triggerAccepted: {
    queued: { summary: 'Queued', value: { id: EXAMPLE_ID, status: 'queued', links } },
    withCallback: { summary: 'Queued, with the secret that signs its callback', value: { id: EXAMPLE_ID, status: 'queued', links, callback_secret: EXAMPLE_SECRET } },
  },
  webhookCreateRequest: {
    completedAndFailed: { summary: 'Completed and failed reports', value: { url: 'https://hooks.example.com/store-uptime', events: ['report.completed', 'report.failed'] } },
  },
  webhookCreated: { created: { summary: 'Registered; keep the secret', value: { ...webhook, secret: EXAMPLE_SECRET } } },
  webhookList: { endpoints: { summary: 'One endpoint', value: { items: [webhook] } } },
  webhookDeliveries: {
    retriedThenDelivered: {
      summary: 'Refused once, delivered on the second attempt',
      value: {
        items: [
          {
            webhook_id: 'msg_5d2c0f8e3b1a4c6d9e7f0a1b2c3d4e5f',
            event: 'report.completed',
            report_id: EXAMPLE_ID,
            attempt: 2,
            attempted_at: '2026-12-02T09:10:07.412Z',
            status_code: 200,
            duration_ms: 38,
            response_excerpt: 'ok',
            error: null,
            outcome: 'delivered',
            delivery_status: 'delivered',
          },
          {
            webhook_id: 'msg_5d2c0f8e3b1a4c6d9e7f0a1b2c3d4e5f',
            event: 'report.completed',
            report_id: EXAMPLE_ID,
            attempt: 1,
            attempted_at: '2026-12-02T09:10:02.101Z',
            status_code: 503,
            duration_ms: 12,
            response_excerpt: '<html><head><title>503 Service Unavailable</title>',
            error: null,
            outcome: 'retrying',
            delivery_status: 'delivered',
          },
        ],
      },
    },
  },
  reportDetails: {
    running: {
      summary: 'Being computed',
      value: {
        id: EXAMPLE_ID,
        status: 'running',
        progress: 0.4,
        parameters: { as_of: null, method: 'hourly' },
        counts: { stores: null, polls_after_now: null },
        now_used: null,
        warnings: [],
        error: null,
        attempts: 1,
        created_at: '2023-01-25T18:20:00.000Z',
        started_at: '2023-01-25T18:20:00.120Z',
        finished_at: null,
        links,
      },
    },
    complete: {
      summary: 'Complete, with a warning',
      value: {
        id: EXAMPLE_ID,
        status: 'complete',
        progress: 1,
        parameters: { as_of: null, method: 'hourly' },
        counts: { stores: 14092, polls_after_now: 0 },
        now_used: '2023-01-25T18:13:22.479Z',
        warnings: [{ code: 'stores_without_zone', count: 1 }],
        error: null,
        attempts: 1,
        created_at: '2023-01-25T18:20:00.000Z',
        started_at: '2023-01-25T18:20:00.120Z',
        finished_at: '2023-01-25T18:20:01.870Z',
        links,
      },
    },
  },
  cancelled: {
    cancelled: {
      summary: 'Cancelled',
      value: {
        id: EXAMPLE_ID,
        status: 'cancelled',
        progress: 0.4,
        parameters: { as_of: null, method: 'hourly' },
        counts: { stores: null, polls_after_now: null },
        now_used: null,
        warnings: [],
        error: null,
        attempts: 1,
        created_at: '2023-01-25T18:20:00.000Z',
        started_at: '2023-01-25T18:20:00.120Z',
        finished_at: '2023-01-25T18:20:00.900Z',
        links,
      },
    },
  },
  reportList: {
    page: {
      summary: 'A page, and the link to the next one',
      value: {
        items: [],
        next: `/reports?status=complete&limit=20&cursor=eyJjIjoiMjAyMy0wMS0yNVQxODoyMDowMC4wMDAxMjNaIiwiaSI6IjNmMmI4YzFkOWU3YTRiNmM4ZDBlMWYyYTNiNGM1ZDZlIn0`,
      },
    },
  },
  reportStores: {
    worstFirst: {
      summary: 'Stores with at least 10 h of downtime last week, most downtime first',
      value: {
        report_id: EXAMPLE_ID,
        items: [
          { store_id: '8419537941919820732', uptime_last_hour: 0, uptime_last_day: 2, uptime_last_week: 51.25, downtime_last_hour: 60, downtime_last_day: 11, downtime_last_week: 27.75 },
          { store_id: '1481966498820158979', uptime_last_hour: 60, uptime_last_day: 9.5, uptime_last_week: 70.13, downtime_last_hour: 0, downtime_last_day: 0.5, downtime_last_week: 12.87 },
        ],
        next: `/reports/${EXAMPLE_ID}/stores?sort=downtime_last_week&order=desc&min_downtime_last_week=10&limit=2&cursor=eyJzIjoiZG93bnRpbWVfbGFzdF93ZWVrIiwibyI6ImRlc2MiLCJ2IjoxMi44NywiaSI6IjE0ODE5NjY0OTg4MjAxNTg5NzkifQ`,
      },
    },
  },
  compatTrigger: { created: { summary: 'The new report id', value: { report_id: EXAMPLE_ID } } },
  compatStatusRequest: { byId: { summary: 'A report id', value: { report_id: EXAMPLE_ID } } },
  compatState: {
    running: { summary: 'Being computed', value: { status: 'Running', progress: 0.42 } },
    complete: { summary: 'Complete: a presigned link to the CSV', value: { status: 'Complete', url: presigned } },
    failed: { summary: 'Failed, with the reason', value: { status: 'Failed', error: 'loading the report window failed: the database did not answer in time' } },
    cancelled: { summary: 'Cancelled', value: { status: 'Cancelled' } },
  },
  health: {
    ready: {
      summary: 'Every dependency answers',
      value: { status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } }, error: {}, details: { postgres: { status: 'up' }, redis: { status: 'up' } } },
    },
  },
  presignedUrl: presigned,
} as const;

/** Problem documents the API sends, each with the status it is sent with. */
export const PROBLEM_EXAMPLES = {
  unknownQueryParameter: {
    summary: 'A query parameter the operation does not take',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'unknown query parameter(s): foo',
      instance: '/reports',
      errors: [{ path: 'foo', message: 'unknown query parameter' }],
    },
  },
  invalidReportId: {
    summary: 'A malformed report id',
    value: { type: ProblemType.invalidReportId, title: 'Invalid report id', status: 400, detail: 'A report id is 32 lowercase hexadecimal characters.', instance: '/reports/not-an-id' },
  },
  invalidBody: {
    summary: 'Invalid fields, each listed',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'method: Invalid option: expected one of "hourly"|"step"; (body): unknown field(s): asOf',
      instance: '/reports',
      errors: [
        { path: 'method', message: 'Invalid option: expected one of "hourly"|"step"' },
        { path: '(body)', message: 'unknown field(s): asOf' },
      ],
    },
  },
  brokenJson: {
    summary: 'A body that is not valid JSON',
    value: { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'The request body is not valid JSON.', instance: '/reports' },
  },
  reportNotFound: {
    summary: 'No such report',
    value: { type: ProblemType.reportNotFound, title: 'Report not found', status: 404, detail: `There is no report ${EXAMPLE_ID}.`, instance: `/reports/${EXAMPLE_ID}` },
  },
  webhookNotFound: {
    summary: "No such webhook (or another owner's)",
    value: { type: ProblemType.webhookNotFound, title: 'Webhook not found', status: 404, detail: `There is no webhook ${EXAMPLE_WEBHOOK_ID}.`, instance: `/webhooks/${EXAMPLE_WEBHOOK_ID}` },
  },
  invalidWebhookId: {
    summary: 'A malformed webhook id',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'A webhook id is 32 lowercase hexadecimal characters.',
      instance: '/webhooks/nope',
      errors: [{ path: 'id', message: 'not a webhook id' }],
    },
  },
  invalidWebhookBody: {
    summary: 'Invalid fields, each listed',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'url: must be an http or https URL; events.0: Invalid option: expected one of "report.completed"|"report.failed"|"report.cancelled"',
      instance: '/webhooks',
      errors: [
        { path: 'url', message: 'must be an http or https URL' },
        { path: 'events.0', message: 'Invalid option: expected one of "report.completed"|"report.failed"|"report.cancelled"' },
      ],
    },
  },
  webhookTargetRefused: {
    summary: 'A URL whose host resolves to a private, loopback or link-local address',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'url: the host 127.0.0.1 resolves to 127.0.0.1, a private, loopback or link-local address',
      instance: '/webhooks',
      errors: [{ path: 'url', message: 'the host 127.0.0.1 resolves to 127.0.0.1, a private, loopback or link-local address' }],
    },
  },
  reportNotComplete: {
    summary: 'Still being computed (Retry-After: 1)',
    value: {
      type: ProblemType.reportNotComplete,
      title: 'Report not complete',
      status: 409,
      detail: 'The report is still being computed; poll GET /reports/{id} until it is complete.',
      instance: `/reports/${EXAMPLE_ID}/download`,
    },
  },
  reportCancelled: {
    summary: 'The report was cancelled',
    value: { type: ProblemType.reportCancelled, title: 'Report cancelled', status: 409, detail: 'The report was cancelled; it has no CSV.', instance: `/reports/${EXAMPLE_ID}/download` },
  },
  reportFinished: {
    summary: 'Only a queued or running report can be cancelled',
    value: {
      type: ProblemType.reportFinished,
      title: 'Report already finished',
      status: 409,
      detail: 'The report is complete; only a queued or running report can be cancelled.',
      instance: `/reports/${EXAMPLE_ID}/cancel`,
    },
  },
  idempotencyKeyReused: {
    summary: 'The key was used in the last 24 h with other parameters',
    value: {
      type: ProblemType.idempotencyKeyReused,
      title: 'Idempotency key reused',
      status: 409,
      detail: 'This Idempotency-Key was used in the last 24 h with other parameters; use a new key for a new report.',
      instance: '/reports',
    },
  },
  reportExpired: {
    summary: 'Older than REPORT_RETENTION_DAYS: the CSV was deleted',
    value: {
      type: ProblemType.reportExpired,
      title: 'Report expired',
      status: 410,
      detail: `Report ${EXAMPLE_ID} is older than the retention period and its CSV was deleted; trigger a new report.`,
      instance: `/reports/${EXAMPLE_ID}/download`,
    },
  },
  invalidIdempotencyKey: {
    summary: 'A malformed Idempotency-Key',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: `Idempotency-Key: must be ${IDEMPOTENCY_KEY_FORM}`,
      instance: '/reports',
      errors: [{ path: 'Idempotency-Key', message: `must be ${IDEMPOTENCY_KEY_FORM}` }],
    },
  },
  invalidListQuery: {
    summary: 'Bad filters, each listed',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'status: Invalid option; limit: Too big: expected number to be <=100',
      instance: '/reports',
      errors: [
        { path: 'status', message: 'Invalid option: expected one of "queued"|"running"|"complete"|"failed"|"cancelled"|"expired"' },
        { path: 'limit', message: 'Too big: expected number to be <=100' },
      ],
    },
  },
  invalidDownloadFormat: {
    summary: 'A format other than csv or jsonl',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'format: must be csv or jsonl',
      instance: `/reports/${EXAMPLE_ID}/download`,
      errors: [{ path: 'format', message: 'must be csv or jsonl' }],
    },
  },
  invalidStoresQuery: {
    summary: 'Bad sort, bounds or cursor, each listed',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'sort: Invalid option; min_downtime_last_week: Invalid input: expected number, received NaN',
      instance: `/reports/${EXAMPLE_ID}/stores`,
      errors: [
        { path: 'sort', message: 'Invalid option' },
        { path: 'min_downtime_last_week', message: 'Invalid input: expected number, received NaN' },
      ],
    },
  },
  invalidStoreQuery: {
    summary: 'A malformed as_of or method, each listed',
    value: {
      type: ProblemType.invalidRequest,
      title: 'Invalid request',
      status: 400,
      detail: 'as_of: Invalid ISO datetime; method: Invalid option: expected one of "hourly"|"step"',
      instance: '/stores/8419537941919820732/uptime',
      errors: [
        { path: 'as_of', message: 'Invalid ISO datetime' },
        { path: 'method', message: 'Invalid option: expected one of "hourly"|"step"' },
      ],
    },
  },
  storeNotFound: {
    summary: 'A report with this now would not list the store: no poll at or before now',
    value: {
      type: ProblemType.storeNotFound,
      title: 'Store not found',
      status: 404,
      detail: 'There is no store 8419537941919820732 with a poll at or before 2024-05-06T12:00:00.000000Z.',
      instance: '/stores/8419537941919820732/uptime',
    },
  },
  reportFailed: {
    summary: 'The report failed',
    value: {
      type: ProblemType.reportFailed,
      title: 'Report failed',
      status: 409,
      detail: 'The report failed: writing the CSV to S3 failed: AccessDenied',
      instance: `/reports/${EXAMPLE_ID}/download`,
    },
  },
  bodyTooLarge: {
    summary: 'A body over 16 kB',
    value: { type: 'about:blank', title: 'Payload Too Large', status: 413, detail: 'The request body is too large.', instance: '/reports' },
  },
  unsupportedMediaType: {
    summary: 'A body that is not JSON',
    value: {
      type: 'about:blank',
      title: 'Unsupported Media Type',
      status: 415,
      detail: 'The request body must be application/json, not text/plain.',
      instance: '/reports',
    },
  },
  tooManyTriggers: {
    summary: 'Over TRIGGER_RATE_LIMIT triggers this minute',
    value: { type: 'about:blank', title: 'Too Many Requests', status: 429, detail: 'ThrottlerException: Too Many Requests', instance: '/reports' },
  },
  internalError: {
    summary: 'An unexpected error (logged; its text is never sent)',
    value: { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'An unexpected error occurred; it has been logged.', instance: '/reports' },
  },
  dependencyUnavailable: {
    summary: 'Redis or PostgreSQL not answering (Retry-After: 5)',
    value: {
      type: ProblemType.dependencyUnavailable,
      title: 'Service temporarily unavailable',
      status: 503,
      detail: 'The report queue (Redis) is not reachable; try again shortly.',
      instance: '/reports',
    },
  },
  notReady: {
    summary: 'A dependency is down',
    value: {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      detail: 'The service is temporarily unavailable; try again shortly.',
      instance: '/health/ready',
      checks: { postgres: { status: 'up' }, redis: { status: 'down', message: 'Redis did not answer within 2000 ms' } },
    },
  },
  unauthenticated: {
    summary: 'No API key sent (WWW-Authenticate: Bearer realm="store-uptime")',
    value: {
      type: ProblemType.unauthenticated,
      title: 'Unauthenticated',
      status: 401,
      detail: 'Send an API key: Authorization: Bearer <key> (npm run keys -- create makes one).',
      instance: '/reports',
    },
  },
  invalidApiKey: {
    summary: 'An unknown, malformed or revoked API key (WWW-Authenticate: …, error="invalid_token")',
    value: { type: ProblemType.unauthenticated, title: 'Unauthenticated', status: 401, detail: 'The API key is not valid (unknown, malformed or revoked).', instance: '/reports' },
  },
  readScopeMissing: {
    summary: 'A key without reports:read (or admin)',
    value: {
      type: ProblemType.forbidden,
      title: 'Insufficient scope',
      status: 403,
      detail: 'This route needs an API key with the reports:read scope (or admin).',
      instance: `/reports/${EXAMPLE_ID}`,
      scope: 'reports:read',
    },
  },
  writeScopeMissing: {
    summary: 'A key without reports:write (or admin)',
    value: {
      type: ProblemType.forbidden,
      title: 'Insufficient scope',
      status: 403,
      detail: 'This route needs an API key with the reports:write scope (or admin).',
      instance: '/reports',
      scope: 'reports:write',
    },
  },
  unauthorized: {
    summary: 'Missing or wrong credentials',
    value: { type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'Credentials are required.', instance: '/admin/queues' },
  },
} as const;

export type ProblemKind = keyof typeof PROBLEM_EXAMPLES;

/** The Idempotency-Key request header of the trigger routes. */
export const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description:
    `${IDEMPOTENCY_KEY_FORM}. The same key with the same parameters within 24 h returns the same report (the first answer's body, ` +
    'header Idempotent-Replayed: true) instead of starting another; with other parameters, 409. Kept in PostgreSQL, so it holds across API replicas and restarts.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' },
  example: 'order-2026-12-02-0001',
} as const;
