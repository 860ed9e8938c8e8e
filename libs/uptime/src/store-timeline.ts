import { formatInstant, MICROS_PER_SECOND } from './parse';
import { keyIsActive, keyTime, type SegmentBasis } from './status-timeline';
import { POLL_VERDICTS, type PollVerdict, type UptimeMethod } from './store-week';
import { REPORT_VALUE_COLUMNS, type ReportValueColumn } from './tables';
import type { StoreUptime } from './uptime-report';
import type { ZoneClock } from './zone-clock';

/**
 * The evidence behind one store's numbers, as plain JSON-ready data: everything `computeStoreWeek`
 * used and derived (zone, business intervals, polls with their verdicts, status segments, exact
 * totals), read from its own records, never recomputed, so the explanation cannot drift from
 * the numbers. Instants are ISO-8601 with microseconds; local times carry the zone's offset.
 */

export type StoreNumbers = { store_id: string } & Record<ReportValueColumn, number>;

/** The six numbers of a store, named as the report CSV's columns. */
export function storeNumbers(store: StoreUptime): StoreNumbers {
  const numbers = { store_id: store.storeId } as StoreNumbers;
  REPORT_VALUE_COLUMNS.forEach((name, i) => (numbers[name] = store.week.values[i]));
  return numbers;
}

export type PollReason = 'carry_in' | PollVerdict;

export interface TimelinePoll {
  timestamp_utc: string;
  timestamp_local: string;
  status: 'active' | 'inactive';
  counted: boolean;
  reason: PollReason;
}

export type TimelineBasis =
  | { rule: 'poll' | 'last_known' | 'first_poll'; poll_utc: string }
  | { rule: 'votes'; active_votes: number; inactive_votes: number };

export interface TimelineSegment {
  start_utc: string;
  end_utc: string;
  status: 'active' | 'inactive';
  basis: TimelineBasis;
}

export interface WindowTotals {
  start_utc: string;
  business_seconds: number;
  uptime_seconds: number;
  downtime_seconds: number;
}

export interface StoreTimeline {
  store_id: string;
  method: UptimeMethod;
  now_used: string;
  zone: { used: string; given: string | null; fallback: 'missing' | 'invalid' | null };
  business_hours: { open_all_week: boolean; rows: { day_of_week: number; start_time_local: string; end_time_local: string }[] };
  business_intervals: { start_utc: string; end_utc: string; start_local: string; end_local: string }[];
  polls: TimelinePoll[];
  segments: TimelineSegment[];
  windows: { last_hour: WindowTotals; last_day: WindowTotals; last_week: WindowTotals };
  numbers: StoreNumbers;
}

const COUNTED: Record<PollVerdict, boolean> = { in_window: true, in_business_hours: true, outside_business_hours: false, at_now: false };

export function storeTimeline(store: StoreUptime): StoreTimeline {
  const { frame, week, clock, evidence } = store;
  const local = (us: number) => formatLocal(us, clock);

  const polls: TimelinePoll[] = [];
  const pollOf = (key: number, reason: PollReason, counted: boolean): TimelinePoll => ({
    timestamp_utc: formatInstant(keyTime(key)),
    timestamp_local: local(keyTime(key)),
    status: keyIsActive(key) ? 'active' : 'inactive',
    counted,
    reason,
  });
  if (evidence.carryInKey !== -Infinity) polls.push(pollOf(evidence.carryInKey, 'carry_in', true));
  for (let j = 0; j < evidence.windowKeys.length; j++) {
    const verdict = POLL_VERDICTS[store.verdicts[j]];
    polls.push(pollOf(evidence.windowKeys[j], verdict, COUNTED[verdict]));
  }

  const segments: TimelineSegment[] = [];
  if (week.timeline) {
    const { changes, active } = week.timeline;
    for (let k = 0; k < changes.length; k++) {
      const start = Math.max(changes[k], frame.weekStartUs);
      const end = Math.min(k + 1 < changes.length ? changes[k + 1] : frame.nowUs, frame.nowUs);
      if (end <= start) continue;
      segments.push({
        start_utc: formatInstant(start),
        end_utc: formatInstant(end),
        status: active[k] ? 'active' : 'inactive',
        basis: basisView(store.basis[k]),
      });
    }
  }

  const intervals: StoreTimeline['business_intervals'] = [];
  for (let i = 0; i < week.intervals.length; i += 2) {
    const [start, end] = [week.intervals[i], week.intervals[i + 1]];
    intervals.push({ start_utc: formatInstant(start), end_utc: formatInstant(end), start_local: local(start), end_local: local(end) });
  }

  const totals = (w: number): WindowTotals => {
    const business = week.businessUs[w];
    const up = week.upUs[w];
    // No counted poll: no evidence, nothing is up or down (the spec's 0 everywhere).
    const down = week.timeline ? business - up : 0;
    return {
      start_utc: formatInstant(frame.windowStarts[w]),
      business_seconds: business / MICROS_PER_SECOND,
      uptime_seconds: up / MICROS_PER_SECOND,
      downtime_seconds: down / MICROS_PER_SECOND,
    };
  };

  const hours = store.hours;
  return {
    store_id: store.storeId,
    method: frame.method,
    now_used: formatInstant(frame.nowUs),
    zone: { used: store.zone.used, given: store.zone.given, fallback: store.zone.fallback },
    business_hours: {
      open_all_week: !hours || hours.dayOfWeek.length === 0,
      rows: hours
        ? hours.dayOfWeek.map((day, row) => ({
            day_of_week: day,
            start_time_local: formatTimeOfDay(hours.startUs[row]),
            end_time_local: formatTimeOfDay(hours.endUs[row]),
          }))
        : [],
    },
    business_intervals: intervals,
    polls,
    segments,
    windows: { last_hour: totals(0), last_day: totals(1), last_week: totals(2) },
    numbers: storeNumbers(store),
  };
}

function basisView(basis: SegmentBasis): TimelineBasis {
  if (basis.rule === 'votes') return { rule: 'votes', active_votes: basis.activeVotes, inactive_votes: basis.inactiveVotes };
  return { rule: basis.rule, poll_utc: formatInstant(keyTime(basis.pollKey)) };
}

/** An instant as the zone's wall clock with its offset: `2024-03-10T01:30:00.000000-06:00`. */
function formatLocal(instantUs: number, clock: ZoneClock): string {
  const offsetUs = clock.offsetAt(instantUs);
  const offsetMinutes = Math.round(offsetUs / (60 * MICROS_PER_SECOND));
  const sign = offsetMinutes < 0 ? '-' : '+';
  const magnitude = Math.abs(offsetMinutes);
  const offset = `${sign}${pad(Math.floor(magnitude / 60))}:${pad(magnitude % 60)}`;
  return `${formatInstant(instantUs + offsetUs).slice(0, -1)}${offset}`;
}

/** Microseconds since local midnight → `HH:MM:SS`, with a fraction only when there is one. */
function formatTimeOfDay(us: number): string {
  const seconds = Math.floor(us / MICROS_PER_SECOND);
  const fraction = us - seconds * MICROS_PER_SECOND;
  const text = `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor(seconds / 60) % 60)}:${pad(seconds % 60)}`;
  return fraction ? `${text}.${String(fraction).padStart(6, '0')}` : text;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
