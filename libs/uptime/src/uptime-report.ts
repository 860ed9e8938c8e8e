import type { ColumnTable } from 'arquero';
import { businessIntervals, type WeeklyHours } from './business-time';
import { MICROS_PER_DAY, MICROS_PER_HOUR } from './parse';
import { hourlyTimeline, keyTime, measureWindows, pollKey, stepTimeline } from './status-timeline';
import {
  DictionaryColumn,
  float64Column,
  REPORT_VALUE_COLUMNS,
  reportTable,
  stringColumn,
  uint8Column,
  Utf8Column,
  withPlainColumns,
  type ReportValueColumn,
} from './tables';
import { FALLBACK_TIME_ZONE, isValidTimeZone, ZoneClock } from './zone-clock';

/** The report methods of docs/uptime-spec.md; every layer (API, queue payload, CLI) takes them from here. */
export const UPTIME_METHODS = ['hourly', 'step'] as const;
export type UptimeMethod = (typeof UPTIME_METHODS)[number];
/** The spec's default method, when a trigger names none. */
export const DEFAULT_UPTIME_METHOD: UptimeMethod = 'hourly';

export function isUptimeMethod(value: unknown): value is UptimeMethod {
  return UPTIME_METHODS.some((method) => method === value);
}

export interface UptimeInputs {
  polls: ColumnTable;
  hours: ColumnTable;
  timezones: ColumnTable;
}

export interface UptimeReportOptions {
  /** The report's `now`; defaults to the latest poll. Polls after it are ignored. */
  asOf?: Date;
  /** The same in epoch microseconds, for a `now` finer than a millisecond; wins over `asOf`. */
  asOfUs?: number;
  method?: UptimeMethod;
}

export interface UptimeReportStats {
  stores: number;
  pollsRead: number;
  pollsAfterNow: number;
  /** Reported stores without a time-zone row (→ America/Chicago). */
  zonesMissing: number;
  /** Reported stores whose zone name is not a valid IANA zone (→ America/Chicago), by name. */
  zonesInvalid: Record<string, number>;
}

export interface UptimeReport {
  /** REPORT_COLUMNS; values already rounded half-up to 2 decimals. */
  table: ColumnTable;
  /** The reference time in epoch microseconds; null when there are no polls at all. */
  nowUs: number | null;
  method: UptimeMethod;
  stats: UptimeReportStats;
}

/**
 * The longest window, the last week: a report needs the polls of `[now − REPORT_WINDOW_US, now]`
 * plus each store's latest poll before it (the carry-in), nothing older (the window loader in
 * libs/db reads exactly that).
 */
export const REPORT_WINDOW_US = 7 * MICROS_PER_DAY;
/** Window lengths, in REPORT_COLUMNS order: last hour, last day, last week. */
const WINDOWS_US = [MICROS_PER_HOUR, MICROS_PER_DAY, REPORT_WINDOW_US] as const;
/** One hundredth of each window's unit: minutes for the hour, hours for the day and the week. */
const HUNDREDTH_UNIT_US = [600_000, 36_000_000, 36_000_000] as const;

/**
 * The uptime report of docs/uptime-spec.md: for every store with a poll at or before `now`,
 * uptime and downtime within business hours over the last hour, day and week.
 *
 * Arquero tables are the seams; the per-poll work runs as columnar kernels over the polls' typed
 * arrays instead of Arquero verbs, because at full scale (1.8 M polls) a groupby over
 * (store, hour) takes ~5.5 s and an orderby + reify ~1.3 s, while the whole report must take
 * well under that. Polls are bucketed per store with a counting sort and each store's slice is
 * sorted natively as packed keys (status-timeline.ts), so no comparator runs per poll.
 */
export function computeUptimeReport(inputs: UptimeInputs, options: UptimeReportOptions = {}): UptimeReport {
  const method = options.method ?? DEFAULT_UPTIME_METHOD;
  const polls = readPollColumns(inputs.polls);
  const nowUs = options.asOfUs ?? (options.asOf ? options.asOf.getTime() * 1000 : maxOf(polls.timestamps));
  const stats: UptimeReportStats = {
    stores: 0,
    pollsRead: polls.timestamps.length,
    pollsAfterNow: 0,
    zonesMissing: 0,
    zonesInvalid: {},
  };
  if (nowUs === null || Number.isNaN(nowUs)) return { table: reportOf([], []), nowUs: null, method, stats };

  const weekStartUs = nowUs - WINDOWS_US[2];
  const windowStarts = WINDOWS_US.map((length) => nowUs - length);
  const evidence = groupPollsByStore(polls, nowUs, weekStartUs);
  stats.pollsAfterNow = evidence.pollsAfterNow;

  const hoursByStore = groupHoursByStore(inputs.hours);
  const zoneByStore = firstZoneByStore(inputs.timezones);
  const clocks = new Map<string, ZoneClock>();
  const zoneValidity = new Map<string, boolean>();
  const clockFor = (zone: string): ZoneClock => {
    let clock = clocks.get(zone);
    if (!clock) {
      // Margins of 3 days cover the overnight rows around the week and the ±1-day probes of toUtc.
      clock = new ZoneClock(zone, weekStartUs - 3 * MICROS_PER_DAY, nowUs + 3 * MICROS_PER_DAY);
      clocks.set(zone, clock);
    }
    return clock;
  };

  const storeCount = evidence.storeIds.length;
  const order = Array.from({ length: storeCount }, (_, i) => i).sort((a, b) =>
    compareStrings(evidence.storeIds[a], evidence.storeIds[b]),
  );
  const values = REPORT_VALUE_COLUMNS.map(() => new Float64Array(storeCount));
  const business = new Float64Array(3);
  const up = new Float64Array(3);

  for (let row = 0; row < storeCount; row++) {
    const store = order[row];
    const storeId = evidence.storeIds[store];
    let zone = zoneByStore.get(storeId);
    if (zone === undefined) {
      stats.zonesMissing++;
      zone = FALLBACK_TIME_ZONE;
    } else {
      let valid = zoneValidity.get(zone);
      if (valid === undefined) zoneValidity.set(zone, (valid = isValidTimeZone(zone)));
      if (!valid) {
        stats.zonesInvalid[zone] = (stats.zonesInvalid[zone] ?? 0) + 1;
        zone = FALLBACK_TIME_ZONE;
      }
    }
    const hours = hoursByStore.get(storeId);
    const intervals = businessIntervals(hours, clockFor(zone), weekStartUs, nowUs);
    const keys = countedPollKeys(evidence, store, method, intervals);

    business.fill(0);
    up.fill(0);
    if (keys.length > 0) {
      const timeline = method === 'step' ? stepTimeline(keys) : hourlyTimeline(keys, weekStartUs, nowUs);
      measureWindows(timeline, intervals, windowStarts, business, up);
    }
    // else: no counted poll, no evidence: 0 everywhere (spec, "Status over time").
    for (let w = 0; w < 3; w++) {
      const downtime = keys.length > 0 ? business[w] - up[w] : 0;
      values[w][row] = roundToHundredths(up[w], HUNDREDTH_UNIT_US[w]);
      values[w + 3][row] = roundToHundredths(downtime, HUNDREDTH_UNIT_US[w]);
    }
  }
  stats.stores = storeCount;
  return { table: reportOf(order.map((i) => evidence.storeIds[i]), values), nowUs, method, stats };
}

interface PollArrays {
  storeIds: ArrayLike<string>;
  /** Set when `store_id` is a DictionaryColumn: per-row codes into distinct strings. */
  storeCodes: { codes: Int32Array; dictionary: readonly string[] } | null;
  active: ArrayLike<number>;
  timestamps: ArrayLike<number>;
}

function readPollColumns(table: ColumnTable): PollArrays {
  const plain = withPlainColumns(table);
  const storeIds = stringColumn(plain, 'store_id');
  return {
    storeIds: storeIds instanceof DictionaryColumn ? [] : storeIds,
    storeCodes: storeIds instanceof DictionaryColumn ? storeIds : null,
    active: uint8Column(plain, 'is_active'),
    timestamps: float64Column(plain, 'timestamp_us'),
  };
}

function maxOf(values: ArrayLike<number>): number | null {
  if (values.length === 0) return null;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max;
}

/** Each store's counted evidence: its window polls as sorted keys, and its carry-in poll. */
interface StoreEvidence {
  storeIds: string[];
  /** Window polls of store s are `windowKeys[windowStart[s] .. windowStart[s + 1])`, sorted. */
  windowKeys: Float64Array;
  windowStart: Int32Array;
  /** The carry-in poll's key per store, or -Infinity. */
  carryInKey: Float64Array;
  pollsAfterNow: number;
}

/**
 * One pass assigns stores and keeps only what the spec counts: polls in `[weekStart, now]`, and per
 * store the single latest poll before `weekStart` (older ones are never needed). A counting sort
 * then groups the window polls by store, and each store's slice is sorted as packed keys.
 */
function groupPollsByStore(polls: PollArrays, nowUs: number, weekStartUs: number): StoreEvidence {
  const count = polls.timestamps.length;
  const storeIndex = new Map<string, number>();
  // With dictionary codes, the store of a row is an array lookup instead of a string hash.
  const codes = polls.storeCodes?.codes;
  const dictionary = polls.storeCodes?.dictionary ?? [];
  const storeOfCode = new Int32Array(dictionary.length).fill(-1);
  const storeIds: string[] = [];
  const storeOfPoll = new Int32Array(count);
  const windowCounts: number[] = [];
  const carryIn: number[] = [];
  let pollsAfterNow = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = polls.timestamps[i];
    if (timestamp > nowUs) {
      pollsAfterNow++;
      storeOfPoll[i] = -1;
      continue;
    }
    let store: number | undefined;
    if (codes) {
      store = storeOfCode[codes[i]];
      if (store < 0) {
        store = storeOfCode[codes[i]] = storeIds.length;
        storeIds.push(dictionary[codes[i]]);
        windowCounts.push(0);
        carryIn.push(-Infinity);
      }
    } else {
      const id = polls.storeIds[i];
      store = storeIndex.get(id);
      if (store === undefined) {
        store = storeIds.length;
        storeIndex.set(id, store);
        storeIds.push(id);
        windowCounts.push(0);
        carryIn.push(-Infinity);
      }
    }
    if (timestamp >= weekStartUs) {
      storeOfPoll[i] = store;
      windowCounts[store]++;
    } else {
      storeOfPoll[i] = -1;
      const key = pollKey(timestamp, polls.active[i]);
      if (key > carryIn[store]) carryIn[store] = key;
    }
  }
  const windowStart = new Int32Array(storeIds.length + 1);
  for (let s = 0; s < storeIds.length; s++) windowStart[s + 1] = windowStart[s] + windowCounts[s];
  const windowKeys = new Float64Array(windowStart[storeIds.length]);
  const cursor = windowStart.slice(0, storeIds.length);
  for (let i = 0; i < count; i++) {
    const store = storeOfPoll[i];
    if (store >= 0) windowKeys[cursor[store]++] = pollKey(polls.timestamps[i], polls.active[i]);
  }
  for (let s = 0; s < storeIds.length; s++) windowKeys.subarray(windowStart[s], windowStart[s + 1]).sort();
  return { storeIds, windowKeys, windowStart, carryInKey: Float64Array.from(carryIn), pollsAfterNow };
}

/**
 * The polls a method counts, as sorted keys: `step` counts the carry-in and every window poll;
 * `hourly` the carry-in and the window polls inside business time (clipped to `[weekStart, now)`).
 */
function countedPollKeys(evidence: StoreEvidence, store: number, method: UptimeMethod, intervals: number[]): ArrayLike<number> {
  const window = evidence.windowKeys.subarray(evidence.windowStart[store], evidence.windowStart[store + 1]);
  const carryIn = evidence.carryInKey[store];
  const counted: number[] = carryIn === -Infinity ? [] : [carryIn];
  if (method === 'step') {
    for (let j = 0; j < window.length; j++) counted.push(window[j]);
    return counted;
  }
  let interval = 0;
  for (let j = 0; j < window.length; j++) {
    const time = keyTime(window[j]);
    while (interval < intervals.length && intervals[interval + 1] <= time) interval += 2;
    if (interval < intervals.length && intervals[interval] <= time) counted.push(window[j]);
  }
  return counted;
}

/** Exact half-up rounding of a non-negative integer duration to hundredths of `unitUs * 100`. */
function roundToHundredths(durationUs: number, hundredthUs: number): number {
  const whole = Math.floor(durationUs / hundredthUs);
  const rest = durationUs - whole * hundredthUs;
  return (2 * rest >= hundredthUs ? whole + 1 : whole) / 100;
}

/** Plain string order (UTF-16 code units), as the spec sorts store ids. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupHoursByStore(table: ColumnTable): Map<string, WeeklyHours> {
  const plain = withPlainColumns(table);
  const storeIds = plainStrings(plain, 'store_id');
  const days = uint8Column(plain, 'day_of_week');
  const starts = float64Column(plain, 'start_time_us');
  const ends = float64Column(plain, 'end_time_us');
  const byStore = new Map<string, WeeklyHours>();
  for (let row = 0; row < storeIds.length; row++) {
    let hours = byStore.get(storeIds[row]);
    if (!hours) byStore.set(storeIds[row], (hours = { dayOfWeek: [], startUs: [], endUs: [] }));
    hours.dayOfWeek.push(days[row]);
    hours.startUs.push(starts[row]);
    hours.endUs.push(ends[row]);
  }
  return byStore;
}

/**
 * "Several time zone rows for one store: the one that sorts first wins." A loop rather than an
 * Arquero groupby + rollup(min), which costs ~100 ms of set-up on 13.5 k rows for a 1 ms job.
 */
function firstZoneByStore(table: ColumnTable): Map<string, string> {
  const plain = withPlainColumns(table);
  const storeIds = plainStrings(plain, 'store_id');
  const names = plainStrings(plain, 'timezone_str');
  const first = new Map<string, string>();
  for (let row = 0; row < storeIds.length; row++) {
    const known = first.get(storeIds[row]);
    if (known === undefined || names[row] < known) first.set(storeIds[row], names[row]);
  }
  // An empty name is a missing zone, not an invalid one.
  for (const [storeId, name] of first) if (!name) first.delete(storeId);
  return first;
}

/** Hours and zones are small tables: a dictionary-coded column is simply expanded. */
function plainStrings(table: ColumnTable, name: string): readonly string[] {
  const column = stringColumn(table, name);
  return column instanceof DictionaryColumn ? column.toArray() : column;
}

/** The report table: sorted store ids and the six value columns (REPORT_VALUE_COLUMNS order). */
function reportOf(storeIds: string[], values: Float64Array[]): ColumnTable {
  const columns = Object.fromEntries(REPORT_VALUE_COLUMNS.map((name, i) => [name, values[i] ?? new Float64Array(0)]));
  return reportTable({ storeIds: Utf8Column.from(storeIds), values: columns as Record<ReportValueColumn, Float64Array> });
}
