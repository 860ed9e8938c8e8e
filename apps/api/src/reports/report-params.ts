import { z } from 'zod';
import { ReportStatus, type ReportListFilter, type ReportListPosition } from '@store-uptime/db';
import { isReportId, REPORT_ID_PATTERN } from '@store-uptime/queue';
import { DEFAULT_UPTIME_METHOD, UPTIME_METHODS, type UptimeMethod } from '@store-uptime/uptime';
import { WEBHOOK_URL_MAX_LENGTH, webhookUrlFormProblem } from '@store-uptime/webhooks';
import { invalidReportId, invalidRequest, type ProblemException } from '../problem/problem';

/**
 * Request shapes, validated with zod (the project's one validation library; the same schemas feed
 * the OpenAPI document through z.toJSONSchema). Unknown fields are refused so a typo such as
 * `asOf` is a 400, not a silently ignored parameter.
 */

export const reportIdSchema = z.string().regex(REPORT_ID_PATTERN);

/** A report's `now` as given by a client (POST /reports, GET /stores/{id}/…): an instant with its zone. */
export const asOfSchema = z.iso.datetime({ offset: true });
export const AS_OF_DESCRIPTION = 'The report\'s "now" as an ISO-8601 instant with Z or an offset; default: the latest poll.';
export const methodSchema = z.enum(UPTIME_METHODS);
export const METHOD_DESCRIPTION = `${UPTIME_METHODS.join(' or ')}, default ${DEFAULT_UPTIME_METHOD}; see docs/uptime-spec.md.`;

/**
 * A webhook URL as a client gives it: absolute http(s), no credentials, at most 2,048 characters.
 * Where it points (no private, loopback or link-local address) is checked after DNS resolution by
 * the service (webhookUrlProblem), which answers its own 400.
 */
export const webhookUrlSchema = z
  .string()
  .max(WEBHOOK_URL_MAX_LENGTH)
  .superRefine((value, context) => {
    const problem = webhookUrlFormProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  });

const CALLBACK_URL_DESCRIPTION =
  'Where to POST a signed webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature) when this report is completed, failed or cancelled; ' +
  'the body is {type, timestamp, data} with data = the report as GET /reports/{id} shows it. Signed with callback_secret, returned in this answer only ' +
  "(and in an Idempotency-Key replay of it). Private, loopback and link-local addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true.";

export const triggerBodySchema = z.strictObject({
  as_of: asOfSchema.nullish().describe(AS_OF_DESCRIPTION),
  method: methodSchema.optional().describe(METHOD_DESCRIPTION),
  callback_url: webhookUrlSchema.optional().describe(CALLBACK_URL_DESCRIPTION),
});

/** POST /get_report's body; the id's form is checked by parseReportId, which answers its own 400. */
const getReportBodySchema = z.strictObject({ report_id: z.string() });

/** The same body as documented (OpenAPI): the id in its only valid form. */
export const getReportBodyDocSchema = getReportBodySchema.extend({ report_id: reportIdSchema });

export interface TriggerParams {
  asOf: Date | null;
  method: UptimeMethod;
  /** POST /reports only: the report's own webhook target. */
  callbackUrl: string | null;
}

export function parseTriggerBody(body: unknown): TriggerParams {
  // No body (or an empty one) means every default.
  const parsed = triggerBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidFields(parsed.error, '(body)');
  return { asOf: asOfInstant(parsed.data.as_of), method: parsed.data.method ?? DEFAULT_UPTIME_METHOD, callbackUrl: parsed.data.callback_url ?? null };
}

/** A 400 listing every bad field of a request (`root` names the whole, e.g. `(body)`). */
export function invalidFields(error: z.ZodError, root: string): ProblemException {
  const errors = error.issues.map((issue) => ({
    path: issue.path.join('.') || root,
    message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
  }));
  return invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
}

/** An as_of that passed asOfSchema as a Date; null when absent. */
export function asOfInstant(asOf: string | null | undefined): Date | null {
  const instant = asOf ? new Date(asOf) : null;
  // zod checks the form; this catches calendar nonsense the form allows (e.g. 2023-02-30).
  if (instant && Number.isNaN(instant.getTime())) throw invalidRequest('as_of: not a real instant', [{ path: 'as_of', message: 'not a real instant' }]);
  return instant;
}

export function parseReportId(value: unknown): string {
  if (!isReportId(value)) throw invalidReportId();
  return value;
}

/** POST /get_report: `{"report_id": …}` in the body (or, leniently, the query string). */
export function reportIdFromBodyOrQuery(body: unknown, query: unknown): string {
  const fromQuery = (query as { report_id?: unknown } | undefined)?.report_id;
  if (body === undefined || (typeof body === 'object' && body !== null && Object.keys(body).length === 0)) {
    if (fromQuery !== undefined) return parseReportId(fromQuery);
    throw invalidRequest('report_id is required', [{ path: 'report_id', message: 'required' }]);
  }
  const parsed = getReportBodySchema.safeParse(body);
  if (!parsed.success) {
    throw invalidRequest('the body must be {"report_id": "<32 hex>"}', [{ path: 'report_id', message: 'required string; no other fields' }]);
  }
  return parseReportId(parsed.data.report_id);
}

/** `Idempotency-Key`: 1–255 visible ASCII characters (what Stripe and the IETF draft allow). */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

export const IDEMPOTENCY_KEY_FORM = '1–255 visible ASCII characters (0x21–0x7E)';

/** The header's value, undefined when absent; anything else than one valid key is a 400. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !IDEMPOTENCY_KEY.test(header)) {
    throw invalidRequest(`Idempotency-Key: must be ${IDEMPOTENCY_KEY_FORM}`, [{ path: 'Idempotency-Key', message: `must be ${IDEMPOTENCY_KEY_FORM}` }]);
  }
  return header;
}

const LIST_LIMIT = { min: 1, max: 100, default: 20 } as const;

const listCursorSchema = z.object({ c: z.iso.datetime({ precision: 6 }), i: reportIdSchema });

/** The listing's position as an opaque token (base64url JSON): clients pass it back, never build it. */
export function encodeListCursor(position: ReportListPosition): string {
  return Buffer.from(JSON.stringify({ c: position.createdAt, i: position.id })).toString('base64url');
}

function decodeListCursor(cursor: string): ReportListPosition | null {
  try {
    const parsed = listCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    // Year 0000 is valid ISO but not a PostgreSQL date; no report is that old anyway.
    return parsed.success && !parsed.data.c.startsWith('0000') ? { createdAt: parsed.data.c, id: parsed.data.i } : null;
  } catch {
    return null;
  }
}

export const listQuerySchema = z.strictObject({
  status: z.enum(ReportStatus).optional().describe('Only reports in this state.'),
  method: z.enum(UPTIME_METHODS).optional().describe('Only reports computed with this method.'),
  created_after: z.iso.datetime({ offset: true }).optional().describe('Only reports created after this instant (exclusive).'),
  created_before: z.iso.datetime({ offset: true }).optional().describe('Only reports created before this instant (exclusive).'),
  limit: z.coerce
    .number()
    .int()
    .min(LIST_LIMIT.min)
    .max(LIST_LIMIT.max)
    .optional()
    .describe(`Reports per page, ${LIST_LIMIT.min}–${LIST_LIMIT.max} (default ${LIST_LIMIT.default}).`),
  cursor: z.string().optional().describe('The `next` link\'s cursor, to read the following page; opaque.'),
});

export interface ListParams {
  filter: ReportListFilter;
  limit: number;
  after: ReportListPosition | null;
  /** The filters as given, for the `next` link. */
  query: Record<string, string>;
}

/** GET /reports's query; every bad field is listed in one 400. */
export function parseListQuery(query: unknown): ListParams {
  const errors: { path: string; message: string }[] = [];
  const raw = (query ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) errors.push({ path: name, message: 'given more than once' });
  }
  const parsed = listQuerySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors.push({ path: key, message: 'unknown parameter' });
      else if (!errors.some((e) => e.path === String(issue.path[0]))) errors.push({ path: issue.path.join('.') || '(query)', message: issue.message });
    }
  }
  const after = typeof raw.cursor === 'string' ? decodeListCursor(raw.cursor) : null;
  if (typeof raw.cursor === 'string' && !after) errors.push({ path: 'cursor', message: 'not a cursor from a next link' });
  if (errors.length > 0 || !parsed.success) throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  const { status, method, created_after, created_before, limit } = parsed.data;
  const createdAfter = created_after ? new Date(created_after) : undefined;
  const createdBefore = created_before ? new Date(created_before) : undefined;
  const bad = [
    ...(createdAfter && Number.isNaN(createdAfter.getTime()) ? [{ path: 'created_after', message: 'not a real instant' }] : []),
    ...(createdBefore && Number.isNaN(createdBefore.getTime()) ? [{ path: 'created_before', message: 'not a real instant' }] : []),
  ];
  if (bad.length > 0) throw invalidRequest(bad.map((e) => `${e.path}: ${e.message}`).join('; '), bad);
  const given = Object.entries({ status, method, created_after, created_before, limit: limit?.toString() }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return {
    filter: { status, method, createdAfter, createdBefore },
    limit: limit ?? LIST_LIMIT.default,
    after,
    query: Object.fromEntries(given),
  };
}
