import { z } from 'zod';
import { isReportId, REPORT_ID_PATTERN } from '@store-uptime/queue';
import { DEFAULT_UPTIME_METHOD, UPTIME_METHODS, type UptimeMethod } from '@store-uptime/uptime';
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

export const triggerBodySchema = z.strictObject({
  as_of: asOfSchema.nullish().describe(AS_OF_DESCRIPTION),
  method: methodSchema.optional().describe(METHOD_DESCRIPTION),
});

/** POST /get_report's body; the id's form is checked by parseReportId, which answers its own 400. */
const getReportBodySchema = z.strictObject({ report_id: z.string() });

/** The same body as documented (OpenAPI): the id in its only valid form. */
export const getReportBodyDocSchema = getReportBodySchema.extend({ report_id: reportIdSchema });

export interface TriggerParams {
  asOf: Date | null;
  method: UptimeMethod;
}

export function parseTriggerBody(body: unknown): TriggerParams {
  // No body (or an empty one) means every default.
  const parsed = triggerBodySchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidFields(parsed.error, '(body)');
  return { asOf: asOfInstant(parsed.data.as_of), method: parsed.data.method ?? DEFAULT_UPTIME_METHOD };
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
