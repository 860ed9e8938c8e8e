import type { ColumnTable } from 'arquero';
import type { WeeklyHours } from './business-time';
import { pollKey } from './status-timeline';
import {
  computeStoreWeek,
  DEFAULT_UPTIME_METHOD,
  storeZone,
  weekFrame,
  ZoneCache,
  type StoreEvidence,
  type StoreWeekRecorder,
  type StoreZone,
  type UptimeMethod,
  type WeekFrame,
} from './store-week';
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
import type { ZoneClock } from './zone-clock';

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

  const frame = weekFrame(nowUs, method);
  const evidence = groupPollsByStore(polls, nowUs, frame.weekStartUs);
  stats.pollsAfterNow = evidence.pollsAfterNow;
  const stores = new StoreLookup(inputs, frame, new ZoneCache());

  const storeCount = evidence.storeIds.length;
  const order = Array.from({ length: storeCount }, (_, i) => i).sort((a, b) =>
    compareStrings(evidence.storeIds[a], evidence.storeIds[b]),
  );
  const values = REPORT_VALUE_COLUMNS.map(() => new Float64Array(storeCount));

  for (let row = 0; row < storeCount; row++) {
    const store = order[row];
    const storeId = evidence.storeIds[store];
    const zone = stores.zoneOf(storeId);
    if (zone.fallback === 'missing') stats.zonesMissing++;
    if (zone.fallback === 'invalid' && zone.given !== null) stats.zonesInvalid[zone.given] = (stats.zonesInvalid[zone.given] ?? 0) + 1;
    const week = computeStoreWeek(storeEvidence(evidence, store), stores.hoursOf(storeId), stores.clockFor(zone.used), frame);
    for (let column = 0; column < values.length; column++) values[column][row] = week.values[column];
  }
  stats.stores = storeCount;
  return { table: reportOf(order.map((i) => evidence.storeIds[i]), values), nowUs, method, stats };
}

export interface StoreUptimeOptions {
  /** The `now` of the report this store belongs to (epoch µs): asOf, or the latest poll of all stores. */
  nowUs: number;
  method?: UptimeMethod;
  /** Zone clocks to reuse across calls (the API keeps one); default: a fresh one. */
  zones?: ZoneCache;
}

/** One store's week as a report with the same `now` and method computes it, with what it used. */
export interface StoreUptime {
  storeId: string;
  frame: WeekFrame;
  zone: StoreZone;
  /** The store's business-hours rows; undefined when it has none (open all the time). */
  hours: WeeklyHours | undefined;
  clock: ZoneClock;
  evidence: StoreEvidence;
  /** POLL_VERDICTS index of each window poll. */
  verdicts: Uint8Array;
  week: ReturnType<typeof computeStoreWeek>;
  basis: NonNullable<StoreWeekRecorder['basis']>;
}

/**
 * One store of the report `computeUptimeReport` would make with the same `now` and method, through
 * the same steps (the same poll grouping, zone and hours lookup, clock and `computeStoreWeek`), so
 * its numbers are that report's row for the store. The inputs need hold only that store's rows
 * (libs/db's store window loader reads exactly those); `nowUs` must be given, because a report's
 * default `now` is the latest poll of all stores. Null when the report would not list the store
 * (no poll at or before `now`).
 */
export function computeStoreUptime(inputs: UptimeInputs, storeId: string, options: StoreUptimeOptions): StoreUptime | null {
  const frame = weekFrame(options.nowUs, options.method ?? DEFAULT_UPTIME_METHOD);
  const evidence = groupPollsByStore(readPollColumns(inputs.polls), frame.nowUs, frame.weekStartUs);
  const store = evidence.storeIds.indexOf(storeId);
  if (store < 0) return null;
  const stores = new StoreLookup(inputs, frame, options.zones ?? new ZoneCache());
  const zone = stores.zoneOf(storeId);
  const hours = stores.hoursOf(storeId);
  const clock = stores.clockFor(zone.used);
  const own = storeEvidence(evidence, store);
  const recorder = { verdicts: new Uint8Array(own.windowKeys.length), basis: [] };
  const week = computeStoreWeek(own, hours, clock, frame, recorder);
  return { storeId, frame, zone, hours, clock, evidence: own, verdicts: recorder.verdicts, week, basis: recorder.basis };
}

/** Hours, zones and zone clocks by store, shared by every store of one computation. */
class StoreLookup {
  private readonly hoursByStore: Map<string, WeeklyHours>;
  private readonly zoneByStore: Map<string, string>;

  constructor(
    inputs: UptimeInputs,
    private readonly frame: WeekFrame,
    private readonly zones: ZoneCache,
  ) {
    this.hoursByStore = groupHoursByStore(inputs.hours);
    this.zoneByStore = firstZoneByStore(inputs.timezones);
  }

  hoursOf(storeId: string): WeeklyHours | undefined {
    return this.hoursByStore.get(storeId);
  }

  zoneOf(storeId: string): StoreZone {
    return storeZone(this.zoneByStore.get(storeId), (zone) => this.zones.isValid(zone));
  }

  clockFor(zone: string): ZoneClock {
    return this.zones.clockFor(zone, this.frame);
  }
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

/** Every store's evidence: its window polls as sorted keys, and its carry-in poll. */
interface FleetEvidence {
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
function groupPollsByStore(polls: PollArrays, nowUs: number, weekStartUs: number): FleetEvidence {
  const count = polls.timestamps.length;
  const storeIndex = new Map<string, number>();
  // With dictionary codes, the store of a row is an array lookup instead of a string hash.
  const codes = polls.storeCodes?.codes;
  const dictionary = polls.storeCodes?.dictionary ?? [];
  const storeOfCode = new Int32Array(dictionary.length).fill(-1);
  const storeIds: string[] = [];
  // Without codes, the store of each row is kept for the second pass; with them it is one array
  // lookup again, which spares an array of a row's size (72 MB at the 10× fleet's 17.9 M polls).
  const storeOfPoll = codes ? null : new Int32Array(count);
  const windowCounts: number[] = [];
  const carryIn: number[] = [];
  let pollsAfterNow = 0;
  for (let i = 0; i < count; i++) {
    const timestamp = polls.timestamps[i];
    if (timestamp > nowUs) {
      pollsAfterNow++;
      if (storeOfPoll) storeOfPoll[i] = -1;
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
      if (storeOfPoll) storeOfPoll[i] = store;
      windowCounts[store]++;
    } else {
      if (storeOfPoll) storeOfPoll[i] = -1;
      const key = pollKey(timestamp, polls.active[i]);
      if (key > carryIn[store]) carryIn[store] = key;
    }
  }
  const windowStart = new Int32Array(storeIds.length + 1);
  for (let s = 0; s < storeIds.length; s++) windowStart[s + 1] = windowStart[s] + windowCounts[s];
  const windowKeys = new Float64Array(windowStart[storeIds.length]);
  const cursor = windowStart.slice(0, storeIds.length);
  for (let i = 0; i < count; i++) {
    const timestamp = polls.timestamps[i];
    const store = storeOfPoll ? storeOfPoll[i] : timestamp >= weekStartUs && timestamp <= nowUs ? storeOfCode[codes![i]] : -1;
    if (store >= 0) windowKeys[cursor[store]++] = pollKey(timestamp, polls.active[i]);
  }
  for (let s = 0; s < storeIds.length; s++) windowKeys.subarray(windowStart[s], windowStart[s + 1]).sort();
  return { storeIds, windowKeys, windowStart, carryInKey: Float64Array.from(carryIn), pollsAfterNow };
}

function storeEvidence(evidence: FleetEvidence, store: number): StoreEvidence {
  return {
    windowKeys: evidence.windowKeys.subarray(evidence.windowStart[store], evidence.windowStart[store + 1]),
    carryInKey: evidence.carryInKey[store],
  };
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
