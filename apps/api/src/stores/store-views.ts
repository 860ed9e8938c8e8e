import { z } from 'zod';
import { formatInstant, POLL_VERDICTS, REPORT_VALUE_COLUMNS, storeNumbers, UPTIME_METHODS, type StoreUptime } from '@store-uptime/uptime';

/** Response bodies of the store routes and their OpenAPI schemas (from the same zod definitions), with examples. */

export function storeUptimeView(store: StoreUptime) {
  const { store_id, ...numbers } = storeNumbers(store);
  return { store_id, method: store.frame.method, now_used: formatInstant(store.frame.nowUs), ...numbers };
}

const instant = z.string().describe('ISO-8601 instant, UTC, microseconds');
const localInstant = z.string().describe("ISO-8601 wall-clock time in the store's zone, with that moment's offset");
const status = z.enum(['active', 'inactive']);
const numbers = Object.fromEntries(
  REPORT_VALUE_COLUMNS.map((name) => [name, z.number().min(0).describe(name.endsWith('_hour') ? 'minutes, 2 decimals' : 'hours, 2 decimals')]),
) as Record<(typeof REPORT_VALUE_COLUMNS)[number], z.ZodNumber>;
const windowTotals = z.object({
  start_utc: instant.describe('the window is [start_utc, now_used)'),
  business_seconds: z.number(),
  uptime_seconds: z.number(),
  downtime_seconds: z.number(),
});

const storeUptime = z.object({
  store_id: z.string(),
  method: z.enum(UPTIME_METHODS),
  now_used: instant.describe("the report's now: as_of, or the latest poll of all stores"),
  ...numbers,
});

const storeTimeline = z.object({
  store_id: z.string(),
  method: z.enum(UPTIME_METHODS),
  now_used: instant,
  zone: z.object({
    used: z.string(),
    given: z.string().nullable().describe('the zone row that sorts first; null when the store has none'),
    fallback: z.enum(['missing', 'invalid']).nullable().describe('why America/Chicago is used instead, if it is'),
  }),
  business_hours: z.object({
    open_all_week: z.boolean().describe('no (valid) hours rows: open all the time'),
    rows: z.array(z.object({ day_of_week: z.number().int().describe('0 = Monday'), start_time_local: z.string(), end_time_local: z.string() })),
  }),
  business_intervals: z
    .array(z.object({ start_utc: instant, end_utc: instant, start_local: localInstant, end_local: localInstant }))
    .describe('the business time inside [now − 7 d, now): sorted, disjoint, half-open'),
  polls: z
    .array(
      z.object({
        timestamp_utc: instant,
        timestamp_local: localInstant,
        status,
        counted: z.boolean(),
        reason: z.enum(['carry_in', ...POLL_VERDICTS]),
      }),
    )
    .describe('the carry-in poll (latest before the week) and every poll of [now − 7 d, now], in time order'),
  segments: z
    .array(
      z.object({
        start_utc: instant,
        end_utc: instant,
        status,
        basis: z.union([
          z.object({ rule: z.enum(['poll', 'last_known', 'first_poll']), poll_utc: instant }),
          z.object({ rule: z.literal('votes'), active_votes: z.number().int(), inactive_votes: z.number().int() }),
        ]),
      }),
    )
    .describe('the status the method derived over the week: step, one per counted poll; hourly, one per UTC hour bucket'),
  windows: z.object({ last_hour: windowTotals, last_day: windowTotals, last_week: windowTotals }).describe('exact totals before rounding'),
  numbers: z.object({ store_id: z.string(), ...numbers }).describe('the same numbers as GET /stores/{store_id}/uptime'),
});

/** The answers' schemas, named for the OpenAPI document (openapi/api-schemas.ts). */
export const STORE_SCHEMAS = { StoreUptime: storeUptime, StoreTimeline: storeTimeline };

/**
 * docs/uptime-spec.md's worked example 2 (open Mondays 09:00–12:00 UTC, carry-in active,
 * 10:14 active, 11:15 inactive; now Monday 12:00), hourly, as the routes answer it (the timeline's
 * 168 hour buckets cut to the three of the business day).
 */
export const STORE_EXAMPLES = {
  uptime: {
    store_id: '8419537941919820732',
    method: 'hourly',
    now_used: '2024-05-06T12:00:00.000000Z',
    uptime_last_hour: 0,
    uptime_last_day: 2,
    uptime_last_week: 2,
    downtime_last_hour: 60,
    downtime_last_day: 1,
    downtime_last_week: 1,
  },
  timeline: {
    store_id: '8419537941919820732',
    method: 'hourly',
    now_used: '2024-05-06T12:00:00.000000Z',
    zone: { used: 'UTC', given: 'UTC', fallback: null },
    business_hours: { open_all_week: false, rows: [{ day_of_week: 0, start_time_local: '09:00:00', end_time_local: '12:00:00' }] },
    business_intervals: [
      {
        start_utc: '2024-05-06T09:00:00.000000Z',
        end_utc: '2024-05-06T12:00:00.000000Z',
        start_local: '2024-05-06T09:00:00.000000+00:00',
        end_local: '2024-05-06T12:00:00.000000+00:00',
      },
    ],
    polls: [
      { timestamp_utc: '2024-04-29T08:00:00.000000Z', timestamp_local: '2024-04-29T08:00:00.000000+00:00', status: 'active', counted: true, reason: 'carry_in' },
      { timestamp_utc: '2024-05-06T10:14:00.000000Z', timestamp_local: '2024-05-06T10:14:00.000000+00:00', status: 'active', counted: true, reason: 'in_business_hours' },
      { timestamp_utc: '2024-05-06T11:15:00.000000Z', timestamp_local: '2024-05-06T11:15:00.000000+00:00', status: 'inactive', counted: true, reason: 'in_business_hours' },
    ],
    segments: [
      { start_utc: '2024-05-06T09:00:00.000000Z', end_utc: '2024-05-06T10:00:00.000000Z', status: 'active', basis: { rule: 'last_known', poll_utc: '2024-04-29T08:00:00.000000Z' } },
      { start_utc: '2024-05-06T10:00:00.000000Z', end_utc: '2024-05-06T11:00:00.000000Z', status: 'active', basis: { rule: 'votes', active_votes: 1, inactive_votes: 0 } },
      { start_utc: '2024-05-06T11:00:00.000000Z', end_utc: '2024-05-06T12:00:00.000000Z', status: 'inactive', basis: { rule: 'votes', active_votes: 0, inactive_votes: 1 } },
    ],
    windows: {
      last_hour: { start_utc: '2024-05-06T11:00:00.000000Z', business_seconds: 3600, uptime_seconds: 0, downtime_seconds: 3600 },
      last_day: { start_utc: '2024-05-05T12:00:00.000000Z', business_seconds: 10800, uptime_seconds: 7200, downtime_seconds: 3600 },
      last_week: { start_utc: '2024-04-29T12:00:00.000000Z', business_seconds: 10800, uptime_seconds: 7200, downtime_seconds: 3600 },
    },
    numbers: {
      store_id: '8419537941919820732',
      uptime_last_hour: 0,
      uptime_last_day: 2,
      uptime_last_week: 2,
      downtime_last_hour: 60,
      downtime_last_day: 1,
      downtime_last_week: 1,
    },
  },
} as const;
