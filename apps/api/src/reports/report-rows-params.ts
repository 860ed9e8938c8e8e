import { z } from 'zod';
import { REPORT_ROW_SORTS, type ReportRowBounds, type ReportRowPosition, type ReportRowsQuery } from '@store-uptime/db';
import { REPORT_VALUE_COLUMNS } from '@store-uptime/uptime';
import { invalidRequest } from '../problem/problem';

const ROWS_LIMIT = { min: 1, max: 1000, default: 100 } as const;
/** More store ids than this in one request is a listing, not a lookup. */
const MAX_STORE_IDS = 1000;

const bound = z.coerce.number().finite();
const boundParameters = Object.fromEntries(
  REPORT_VALUE_COLUMNS.flatMap((name) => [
    [`min_${name}`, bound.optional().describe(`Only stores whose ${name} is at least this (inclusive).`)],
    [`max_${name}`, bound.optional().describe(`Only stores whose ${name} is at most this (inclusive).`)],
  ]),
) as Record<`${'min' | 'max'}_${(typeof REPORT_VALUE_COLUMNS)[number]}`, z.ZodOptional<typeof bound>>;

/** GET /reports/{id}/stores's query (the document's parameters come from it too). */
export const reportRowsQuerySchema = z.strictObject({
  sort: z.enum(REPORT_ROW_SORTS).optional().describe('The column to order by (default store_id); ties are ordered by store_id.'),
  order: z.enum(['asc', 'desc']).optional().describe('asc (default) or desc.'),
  store_id: z
    .union([z.string().min(1).max(256), z.array(z.string().min(1).max(256)).max(MAX_STORE_IDS)])
    .optional()
    .describe(`Only these stores; repeat the parameter for several (at most ${MAX_STORE_IDS}).`),
  ...boundParameters,
  limit: z.coerce.number().int().min(ROWS_LIMIT.min).max(ROWS_LIMIT.max).optional().describe(`Rows per page, ${ROWS_LIMIT.min}–${ROWS_LIMIT.max} (default ${ROWS_LIMIT.default}).`),
  cursor: z.string().optional().describe("The `next` link's cursor, to read the following page; opaque."),
});

export type ReportRowsQueryParameter = keyof typeof reportRowsQuerySchema.shape;

const cursorSchema = z.object({ s: z.enum(REPORT_ROW_SORTS), o: z.enum(['asc', 'desc']), v: z.union([z.number(), z.string()]), i: z.string() });

export interface ReportRowsParams {
  query: Omit<ReportRowsQuery, 'after'> & { after: ReportRowPosition | null };
  /** The parameters as given (cursor aside), for the `next` link. */
  given: [string, string][];
}

/** The page position as an opaque token; it names its sort and order, and only pages that ordering. */
export function encodeRowsCursor(sort: string, order: string, position: ReportRowPosition): string {
  return Buffer.from(JSON.stringify({ s: sort, o: order, v: position.value, i: position.storeId })).toString('base64url');
}

function decodeRowsCursor(cursor: string): z.infer<typeof cursorSchema> | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Every bad parameter listed in one 400, as GET /reports does. */
export function parseReportRowsQuery(query: unknown): ReportRowsParams {
  const raw = (query ?? {}) as Record<string, unknown>;
  const errors: { path: string; message: string }[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value) && name !== 'store_id') errors.push({ path: name, message: 'given more than once' });
  }
  const parsed = reportRowsQuerySchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      if (issue.code === 'unrecognized_keys') for (const key of issue.keys) errors.push({ path: key, message: 'unknown parameter' });
      else if (!errors.some((e) => e.path === String(issue.path[0]))) errors.push({ path: String(issue.path[0] ?? '(query)'), message: issue.message });
    }
  }
  const sort = parsed.data?.sort ?? 'store_id';
  const order = parsed.data?.order ?? 'asc';
  let after: ReportRowPosition | null = null;
  if (typeof raw.cursor === 'string') {
    const cursor = decodeRowsCursor(raw.cursor);
    if (!cursor) errors.push({ path: 'cursor', message: 'not a cursor from a next link' });
    else if (cursor.s !== sort || cursor.o !== order) errors.push({ path: 'cursor', message: `a cursor of sort=${cursor.s}&order=${cursor.o}, not of this ordering` });
    else if ((sort === 'store_id') !== (typeof cursor.v === 'string')) errors.push({ path: 'cursor', message: 'not a cursor from a next link' });
    else after = { value: cursor.v, storeId: cursor.i };
  }
  if (errors.length > 0 || !parsed.success) throw invalidRequest(errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
  const data = parsed.data;
  const bounds: ReportRowBounds = {};
  for (const name of REPORT_VALUE_COLUMNS) {
    const min = data[`min_${name}`];
    const max = data[`max_${name}`];
    if (min !== undefined || max !== undefined) bounds[name] = { min, max };
  }
  const storeIds = data.store_id === undefined ? undefined : Array.isArray(data.store_id) ? data.store_id : [data.store_id];
  const given: [string, string][] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'cursor') continue;
    for (const one of Array.isArray(value) ? value : [value]) given.push([name, String(one)]);
  }
  return { query: { sort, order, storeIds, bounds, limit: data.limit ?? ROWS_LIMIT.default, after }, given };
}
