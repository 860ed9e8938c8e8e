import { businessIntervals, type WeeklyHours } from './business-time';
import { MICROS_PER_DAY, MICROS_PER_HOUR } from './parse';
import { hourlyTimeline, keyTime, measureWindows, stepTimeline, type SegmentBasis, type StatusTimeline } from './status-timeline';
import { FALLBACK_TIME_ZONE, isValidTimeZone, ZoneClock } from './zone-clock';

/**
 * One store's week: the computation of docs/uptime-spec.md for a single store, given its evidence.
 * The fleet report (`computeUptimeReport`) runs it for every store and the single-store path
 * (`computeStoreUptime`) for one, so a store's numbers are the same whichever way they are asked
 * for: each rule below has this one owner.
 */

/** The report methods of docs/uptime-spec.md; every layer (API, queue payload, CLI) takes them from here. */
export const UPTIME_METHODS = ['hourly', 'step'] as const;
export type UptimeMethod = (typeof UPTIME_METHODS)[number];
/** The spec's default method, when a trigger names none. */
export const DEFAULT_UPTIME_METHOD: UptimeMethod = 'hourly';

export function isUptimeMethod(value: unknown): value is UptimeMethod {
  return UPTIME_METHODS.some((method) => method === value);
}

/**
 * The longest window, the last week: a report needs the polls of `[now − REPORT_WINDOW_US, now]`
 * plus each store's latest poll before it (the carry-in), nothing older (the window loaders in
 * libs/db read exactly that).
 */
export const REPORT_WINDOW_US = 7 * MICROS_PER_DAY;
/** Window lengths, in REPORT_COLUMNS order: last hour, last day, last week. */
const WINDOWS_US = [MICROS_PER_HOUR, MICROS_PER_DAY, REPORT_WINDOW_US] as const;
/** One hundredth of each window's unit: minutes for the hour, hours for the day and the week. */
const HUNDREDTH_UNIT_US = [600_000, 36_000_000, 36_000_000] as const;

/** Where the three windows are for one `now`, and the method: the same for every store of a report. */
export interface WeekFrame {
  nowUs: number;
  weekStartUs: number;
  /** Starts of the last hour, day and week (each window is `[start, now)`). */
  windowStarts: readonly number[];
  method: UptimeMethod;
}

export function weekFrame(nowUs: number, method: UptimeMethod): WeekFrame {
  return { nowUs, weekStartUs: nowUs - REPORT_WINDOW_US, windowStarts: WINDOWS_US.map((length) => nowUs - length), method };
}

/** The clock of a zone for a frame. Margins of 3 days cover the overnight rows around the week and the ±1-day probes of toUtc. */
function zoneClockFor(zone: string, frame: WeekFrame): ZoneClock {
  return new ZoneClock(zone, frame.weekStartUs - 3 * MICROS_PER_DAY, frame.nowUs + 3 * MICROS_PER_DAY);
}

/**
 * Zone clocks by zone and `now`, and zone-name validity, kept for as long as the owner keeps the
 * cache: one report's stores share it, and the API keeps one across requests, because building a
 * clock (~2 ms: a few dozen offset samples) is most of the work of one store, and requests without
 * as_of all share one `now`. Clocks are immutable, so sharing one changes no number. Oldest entries
 * go first once `limit` is reached.
 */
export class ZoneCache {
  private readonly clocks = new Map<string, ZoneClock>();
  private readonly validity = new Map<string, boolean>();

  constructor(private readonly limit = Infinity) {}

  clockFor(zone: string, frame: WeekFrame): ZoneClock {
    const key = `${frame.nowUs} ${zone}`;
    let clock = this.clocks.get(key);
    if (!clock) {
      clock = zoneClockFor(zone, frame);
      remember(this.clocks, key, clock, this.limit);
    }
    return clock;
  }

  isValid(zone: string): boolean {
    let valid = this.validity.get(zone);
    if (valid === undefined) remember(this.validity, zone, (valid = isValidTimeZone(zone)), this.limit);
    return valid;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V, limit: number): void {
  // Maps iterate in insertion order: the first key is the oldest.
  if (map.size >= limit) map.delete(map.keys().next().value as string);
  map.set(key, value);
}

/** The zone a store is computed in: its own, or America/Chicago when it has none or an invalid one. */
export interface StoreZone {
  /** The zone name the data gives (the one sorting first), or null when the store has none. */
  given: string | null;
  used: string;
  fallback: 'missing' | 'invalid' | null;
}

export function storeZone(given: string | undefined, isValid: (zone: string) => boolean): StoreZone {
  if (given === undefined) return { given: null, used: FALLBACK_TIME_ZONE, fallback: 'missing' };
  if (!isValid(given)) return { given, used: FALLBACK_TIME_ZONE, fallback: 'invalid' };
  return { given, used: given, fallback: null };
}

/** What the spec counts of one store: its window polls (`[weekStart, now]`) as sorted poll keys and its carry-in poll. */
export interface StoreEvidence {
  windowKeys: ArrayLike<number>;
  /** The latest poll before the week as a poll key, or -Infinity when there is none. */
  carryInKey: number;
}

/**
 * Why a window poll counts or not (`GET /stores/{id}/timeline`): `in_window` (step counts every
 * one), `in_business_hours` (hourly: counted), `outside_business_hours` and `at_now` (hourly: not
 * counted). The carry-in poll always counts.
 */
export const POLL_VERDICTS = ['in_window', 'in_business_hours', 'outside_business_hours', 'at_now'] as const;
export type PollVerdict = (typeof POLL_VERDICTS)[number];
const VERDICT_STEP = 0;
const VERDICT_IN_HOURS = 1;
const VERDICT_OUTSIDE = 2;
const VERDICT_AT_NOW = 3;

/** Optional records of the computation, for explaining it; the fleet report asks for none. */
export interface StoreWeekRecorder {
  /** Filled with one POLL_VERDICTS index per window poll (same order as `windowKeys`). */
  verdicts?: Uint8Array;
  /** Filled with the basis of each timeline segment (same order as `timeline.changes`). */
  basis?: SegmentBasis[];
}

export interface StoreWeek {
  /** Business time inside `[weekStart, now)`: sorted disjoint `[start, end)` pairs, flat, epoch µs. */
  intervals: number[];
  /** The counted polls as sorted poll keys (the carry-in first, when there is one). */
  counted: ArrayLike<number>;
  /** The status the method derived; null when no poll counts (no evidence: uptime and downtime 0 everywhere). */
  timeline: StatusTimeline | null;
  /** Exact business and active business time per window (hour, day, week), µs. */
  businessUs: Float64Array;
  upUs: Float64Array;
  /** The six report numbers in REPORT_VALUE_COLUMNS order, rounded half-up to 2 decimals. */
  values: number[];
}

const NO_STATUS: StatusTimeline = { changes: [-Infinity], active: [0] };

export function computeStoreWeek(
  evidence: StoreEvidence,
  hours: WeeklyHours | undefined,
  clock: ZoneClock,
  frame: WeekFrame,
  recorder: StoreWeekRecorder = {},
): StoreWeek {
  const intervals = businessIntervals(hours, clock, frame.weekStartUs, frame.nowUs);
  const counted = countedPollKeys(evidence, frame, intervals, recorder.verdicts);
  const businessUs = new Float64Array(3);
  const upUs = new Float64Array(3);
  let timeline: StatusTimeline | null = null;
  if (counted.length > 0) {
    timeline =
      frame.method === 'step' ? stepTimeline(counted, recorder.basis) : hourlyTimeline(counted, frame.weekStartUs, frame.nowUs, recorder.basis);
  }
  // No counted poll, no evidence: no status, so 0 everywhere (spec, "Status over time"); the
  // business time is still measured, for the explanation.
  measureWindows(timeline ?? NO_STATUS, intervals, frame.windowStarts, businessUs, upUs);
  const values = new Array<number>(6);
  for (let w = 0; w < 3; w++) {
    const downtime = timeline ? businessUs[w] - upUs[w] : 0;
    values[w] = roundToHundredths(upUs[w], HUNDREDTH_UNIT_US[w]);
    values[w + 3] = roundToHundredths(downtime, HUNDREDTH_UNIT_US[w]);
  }
  return { intervals, counted, timeline, businessUs, upUs, values };
}

/**
 * The polls a method counts, as sorted keys: `step` counts the carry-in and every window poll;
 * `hourly` the carry-in and the window polls inside business time (clipped to `[weekStart, now)`,
 * so a poll at exactly `now` never counts).
 */
function countedPollKeys(evidence: StoreEvidence, frame: WeekFrame, intervals: number[], verdicts?: Uint8Array): number[] {
  const window = evidence.windowKeys;
  const counted: number[] = evidence.carryInKey === -Infinity ? [] : [evidence.carryInKey];
  if (frame.method === 'step') {
    for (let j = 0; j < window.length; j++) counted.push(window[j]);
    verdicts?.fill(VERDICT_STEP);
    return counted;
  }
  let interval = 0;
  for (let j = 0; j < window.length; j++) {
    const time = keyTime(window[j]);
    while (interval < intervals.length && intervals[interval + 1] <= time) interval += 2;
    const inside = interval < intervals.length && intervals[interval] <= time;
    if (inside) counted.push(window[j]);
    if (verdicts) verdicts[j] = inside ? VERDICT_IN_HOURS : time >= frame.nowUs ? VERDICT_AT_NOW : VERDICT_OUTSIDE;
  }
  return counted;
}

/** Exact half-up rounding of a non-negative integer duration to hundredths of `unitUs * 100`. */
function roundToHundredths(durationUs: number, hundredthUs: number): number {
  const whole = Math.floor(durationUs / hundredthUs);
  const rest = durationUs - whole * hundredthUs;
  return (2 * rest >= hundredthUs ? whole + 1 : whole) / 100;
}
