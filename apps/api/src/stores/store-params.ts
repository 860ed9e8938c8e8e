import { z } from 'zod';
import { DEFAULT_UPTIME_METHOD, type UptimeMethod } from '@store-uptime/uptime';
import { AS_OF_DESCRIPTION, asOfInstant, asOfSchema, invalidFields, METHOD_DESCRIPTION, methodSchema } from '../reports/report-params';

/**
 * GET /stores/{store_id}/uptime and /timeline parameters: the same `as_of` and `method` as a
 * report trigger (one definition, report-params.ts), as query parameters. Unknown parameters and
 * repeated ones are refused, as unknown body fields are.
 */

/** Ingest trims store ids and refuses empty ones, so an id with outer white space or control characters names no store. */
const STORE_ID_PATTERN = /^(?=[^\s])[^\p{Cc}]{0,256}(?<=[^\s])$/u;
export const STORE_ID_FORM = 'a store id as ingested: 1–256 characters, no control characters, no white space at either end';

const storeQuerySchema = z.strictObject({
  as_of: asOfSchema.optional().describe(AS_OF_DESCRIPTION),
  method: methodSchema.optional().describe(METHOD_DESCRIPTION),
});

export interface StoreQuery {
  storeId: string;
  asOf: Date | null;
  method: UptimeMethod;
}

/**
 * In a query string `+` means a space, so an unencoded `+05:30` offset arrives as ` 05:30`; that is
 * read as the `+` it must have been (a space can never be valid there), sparing clients a
 * puzzling 400 for the most common mistake with offsets.
 */
function restorePlusOffset(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value;
}

/**
 * The instants a store's week can be computed for, [1970, 2100): poll keys are exact up to 2^52 µs
 * (2112, status-timeline.ts), zone offsets are read by formatting dates (a year past 9999 reads as
 * no offset at all), and PostgreSQL has no year 0. Outside it an answer would be wrong or a 5xx,
 * so it is a 400 instead; no poll data lies there.
 */
const AS_OF_RANGE = { from: Date.UTC(1970, 0, 1), to: Date.UTC(2100, 0, 1) };
const AS_OF_RANGE_MESSAGE = 'must be from 1970-01-01T00:00:00Z up to (not including) 2100-01-01T00:00:00Z';

export function parseStoreQuery(storeId: unknown, query: unknown): StoreQuery {
  const raw = { ...(typeof query === 'object' && query !== null ? query : {}) } as Record<string, unknown>;
  if ('as_of' in raw) raw.as_of = restorePlusOffset(raw.as_of);
  const parsed = storeQuerySchema
    .refine(({ as_of }) => as_of === undefined || !(Date.parse(as_of) < AS_OF_RANGE.from || Date.parse(as_of) >= AS_OF_RANGE.to), {
      path: ['as_of'],
      message: AS_OF_RANGE_MESSAGE,
    })
    .safeParse(raw);
  const idValid = typeof storeId === 'string' && STORE_ID_PATTERN.test(storeId);
  if (!parsed.success || !idValid) {
    const issues = parsed.success ? [] : parsed.error.issues;
    if (!idValid) issues.unshift({ code: 'custom', path: ['store_id'], message: `must be ${STORE_ID_FORM}`, input: storeId });
    throw invalidFields(new z.ZodError(issues), '(query)');
  }
  return { storeId, asOf: asOfInstant(parsed.data.as_of), method: parsed.data.method ?? DEFAULT_UPTIME_METHOD };
}
