/**
 * An independent reading of docs/uptime-spec.md, for checking the engine (libs/uptime) and the
 * service's CSVs against: it shares no code with the engine, the readers or the writer, and uses
 * none of their machinery (no intervals, merges, packed keys, zone clocks or date-fns-tz). It
 * parses the CSV text itself, finds every instant of the week at which anything could change
 * (a poll, an hour boundary, a window start, a business-hours edge under any offset the zone
 * has), and classifies each piece between two such instants on its own, with rules written
 * straight from the spec's sentences. Slow and obvious on purpose.
 *
 * Limits: plain CSV without quoted fields; local times become instants by the zone's wall clock
 * (Intl), which is the spec's rule except inside a daylight-saving gap or overlap, so inputs must
 * keep business-hours edges away from those hours (zone-clock.spec.ts checks them by hand).
 */

const SECOND_US = 1_000_000;
const MINUTE_US = 60 * SECOND_US;
const HOUR_US = 60 * MINUTE_US;
const DAY_US = 24 * HOUR_US;
const WEEK_US = 7 * DAY_US;
const FALLBACK_ZONE = 'America/Chicago';
const HEADER = 'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week';

export type OracleMethod = 'hourly' | 'step';

/** Text rows as the CSV files hold them: polls `store, status, timestamp`; hours `store, day, start, end`; zones `store, zone`. */
export interface OracleInputs {
  polls: string[][];
  hours: string[][];
  zones: string[][];
}

interface Poll {
  t: number;
  active: boolean;
}

/** The rows of a plain CSV file (header first, no quoted fields). */
function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '')
    .map((line) => line.split(','));
}

/** Rows of a CSV file keyed by its header, in the order `columns` names them (alternatives with `|`). */
export function rowsByHeader(text: string, columns: string[]): string[][] {
  const [header, ...rows] = csvRows(text);
  const names = header.map((name) => name.trim().toLowerCase());
  const indices = columns.map((column) => {
    const index = column.split('|').map((name) => names.indexOf(name.toLowerCase())).find((i) => i >= 0);
    if (index === undefined) throw new Error(`no column ${column} in ${header.join(',')}`);
    return index;
  });
  return rows.map((row) => indices.map((index) => row[index] ?? ''));
}

/** `YYYY-MM-DD HH:MM:SS[.fraction] UTC` (or `T`, `Z`, no suffix) → epoch µs; null when it is not one. */
function timestampUs(text: string): number | null {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:\s*(?:UTC|Z|[+-]00:?00))?$/i.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(ms);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) return null;
  return ms * 1000 + Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
}

/** `HH:MM[:SS[.f]]` → µs since local midnight; null when it is not one. */
function timeOfDayUs(text: string): number | null {
  const m = /^(\d{1,2}):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?$/.exec(text.trim());
  if (!m) return null;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return null;
  return ((hour * 60 + minute) * 60 + second) * SECOND_US + Number((m[4] ?? '').padEnd(6, '0').slice(0, 6));
}

/** "A valid IANA zone": a name (so not an offset like `+05:00`) that the platform's zone database knows. */
function isZone(name: string): boolean {
  const knowsZone = (): boolean => {
    try {
      return new Date(0).toLocaleString('en-US', { timeZone: name }).length > 0;
    } catch {
      return false;
    }
  };
  return /^[A-Za-z][\w+-]*(\/[\w+-]+)*$/.test(name) && knowsZone();
}

const wallClocks = new Map<string, Intl.DateTimeFormat>();

/** The zone's wall clock at an instant, as µs since local 1970-01-01 00:00. */
function localUs(zone: string, t: number): number {
  let format = wallClocks.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    wallClocks.set(zone, format);
  }
  const second = Math.floor(t / SECOND_US);
  const parts = Object.fromEntries(format.formatToParts(new Date(second * 1000)).map((part) => [part.type, Number(part.value)]));
  const wallSecond = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) / 1000;
  return t + (wallSecond - second) * SECOND_US;
}

/** Epoch µs × 100 / unit, rounded half up, as a number with two decimals. */
function hundredths(us: number, unitUs: number): number {
  const scaled = BigInt(us) * 100n;
  const unit = BigInt(unitUs);
  let whole = scaled / unit;
  if ((scaled - whole * unit) * 2n >= unit) whole += 1n;
  return Number(whole) / 100;
}

/** "For ordering, the inactive one is the later one." */
function byTime(a: Poll, b: Poll): number {
  return a.t - b.t || Number(b.active) - Number(a.active);
}

/** The report of the spec, store by store: `[uptime hour, day, week, downtime hour, day, week]`. */
export function oracleReport(inputs: OracleInputs, options: { nowUs?: number; method?: OracleMethod } = {}): Map<string, number[]> {
  const method = options.method ?? 'hourly';
  // Bad rows are skipped (spec, "Inputs").
  const polls = new Map<string, Poll[]>();
  for (const [store, status, timestamp] of inputs.polls) {
    const id = store.trim();
    const state = status.trim().toLowerCase();
    const t = timestampUs(timestamp);
    if (!id || (state !== 'active' && state !== 'inactive') || t === null) continue;
    const list = polls.get(id) ?? [];
    list.push({ t, active: state === 'active' });
    polls.set(id, list);
  }
  const all = [...polls.values()].flat();
  if (all.length === 0) return new Map();
  const now = options.nowUs ?? Math.max(...all.map((poll) => poll.t));
  const weekStart = now - WEEK_US;
  const windowStarts = [now - HOUR_US, now - DAY_US, weekStart];

  const report = new Map<string, number[]>();
  for (const id of [...polls.keys()].sort()) {
    const mine = polls.get(id)!.filter((poll) => poll.t <= now).sort(byTime);
    if (mine.length === 0) continue; // only polls after now: not reported

    const zoneNames = inputs.zones.filter(([store]) => store.trim() === id).map(([, zone]) => zone.trim()).sort();
    const zone = zoneNames.length > 0 && isZone(zoneNames[0]) ? zoneNames[0] : FALLBACK_ZONE;
    const rows = inputs.hours
      .filter(([store]) => store.trim() === id)
      .map(([, day, start, end]) => ({ day: day.trim(), start: timeOfDayUs(start), end: timeOfDayUs(end) }))
      .filter((row): row is { day: string; start: number; end: number } => /^[0-6]$/.test(row.day) && row.start !== null && row.end !== null)
      .map((row) => ({ ...row, day: Number(row.day) }));

    const isBusiness = (t: number): boolean => {
      if (rows.length === 0) return true; // no rows: open all the time
      const local = localUs(zone, t);
      const localDay = Math.floor(local / DAY_US);
      const timeOfDay = local - localDay * DAY_US;
      const weekday = (((localDay + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
      const yesterday = (weekday + 6) % 7;
      return rows.some(({ day, start, end }) =>
        end > start
          ? day === weekday && timeOfDay >= start && timeOfDay < end
          : (day === weekday && timeOfDay >= start) || (day === yesterday && timeOfDay < end),
      );
    };

    // Which polls count.
    const carryIn = mine.filter((poll) => poll.t < weekStart).at(-1);
    const inWindow = mine.filter((poll) => poll.t >= weekStart);
    const counted = [
      ...(carryIn ? [carryIn] : []),
      ...(method === 'step' ? inWindow : inWindow.filter((poll) => poll.t < now && isBusiness(poll.t))),
    ];

    // Status over time.
    const statusAt = (t: number): boolean => {
      if (method === 'step') return (counted.filter((poll) => poll.t <= t).at(-1) ?? counted[0]).active;
      const bucket = Math.floor(t / HOUR_US) * HOUR_US;
      const inBucket = counted.filter((poll) => poll.t >= bucket && poll.t < bucket + HOUR_US);
      if (inBucket.length > 0) return inBucket.filter((poll) => poll.active).length * 2 > inBucket.length;
      return (counted.filter((poll) => poll.t < bucket).at(-1) ?? counted[0]).active;
    };

    // Every instant where business time, status or a window can change.
    const edges = new Set<number>([weekStart, now, ...windowStarts, ...counted.map((poll) => poll.t)]);
    for (let hour = Math.ceil(weekStart / HOUR_US) * HOUR_US; hour < now; hour += HOUR_US) edges.add(hour);
    const offsets = new Set<number>();
    for (let t = weekStart - 2 * DAY_US; t <= now + 2 * DAY_US; t += HOUR_US) offsets.add(localUs(zone, t) - t);
    for (let day = Math.floor(weekStart / DAY_US) - 2; day <= Math.floor(now / DAY_US) + 2; day++) {
      for (const { start, end } of rows) {
        for (const offset of offsets) edges.add(day * DAY_US + start - offset).add(day * DAY_US + end - offset);
      }
    }
    const cuts = [...edges].filter((t) => t >= weekStart && t <= now).sort((a, b) => a - b);

    const business = [0, 0, 0];
    const up = [0, 0, 0];
    if (counted.length > 0) {
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [from, to] = [cuts[i], cuts[i + 1]];
        if (!isBusiness(from)) continue;
        const active = statusAt(from);
        windowStarts.forEach((start, w) => {
          if (from < start) return;
          business[w] += to - from;
          if (active) up[w] += to - from;
        });
      }
    }
    // Window order in the CSV: hour, day, week; minutes for the hour, hours for the rest.
    const units = [MINUTE_US, HOUR_US, HOUR_US];
    const down = business.map((total, w) => total - up[w]);
    report.set(id, [...up.map((us, w) => hundredths(us, units[w])), ...down.map((us, w) => hundredths(us, units[w]))]);
  }
  return report;
}

/** The report CSV of the spec ("Output CSV"), written from `oracleReport`. */
export function oracleReportCsv(inputs: OracleInputs, options: { nowUs?: number; method?: OracleMethod } = {}): string {
  const lines = [...oracleReport(inputs, options)].map(([id, values]) => [id, ...values.map((value) => value.toFixed(2))].join(','));
  return [HEADER, ...lines].map((line) => `${line}\n`).join('');
}
