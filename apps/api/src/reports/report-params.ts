import { z } from 'zod';
import { isReportId, REPORT_ID_PATTERN } from '@store-uptime/queue';
import { DEFAULT_UPTIME_METHOD, UPTIME_METHODS, type UptimeMethod } from '@store-uptime/uptime';
import { invalidReportId, invalidRequest } from '../problem/problem';

/**
 * Request shapes, validated with zod (the project's one validation library; the same schemas feed
 * the OpenAPI document through z.toJSONSchema). Unknown fields are refused so a typo such as
 * `asOf` is a 400, not a silently ignored parameter.
 */

export const reportIdSchema = z.string().regex(REPORT_ID_PATTERN);

export const triggerBodySchema = z.strictObject({
  as_of: z.iso
    .datetime({ offset: true })
    .nullish()
    .describe('The report\'s "now" as an ISO-8601 instant with Z or an offset; default: the latest poll.'),
  method: z
    .enum(UPTIME_METHODS)
    .optional()
    .describe(`${UPTIME_METHODS.join(' or ')}, default ${DEFAULT_UPTIME_METHOD}; see docs/uptime-spec.md.`),
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
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({
      path: issue.path.join('.') || '(body)',
      message: issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message,
    }));
    throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  }
  const asOf = parsed.data.as_of ? new Date(parsed.data.as_of) : null;
  // zod checks the form; this catches calendar nonsense the form allows (e.g. 2023-02-30).
  if (asOf && Number.isNaN(asOf.getTime())) throw invalidRequest('as_of: not a real instant', [{ path: 'as_of', message: 'not a real instant' }]);
  return { asOf, method: parsed.data.method ?? DEFAULT_UPTIME_METHOD };
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
