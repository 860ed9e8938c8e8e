/**
 * Row-level parsing shared by every way data enters the system (CSV command, ingest, window
 * loader), so that "a bad row" means the same thing everywhere: see docs/uptime-spec.md,
 * "Bad rows".
 *
 * All instants are epoch **microseconds** (integers held in doubles: exact up to 2^53 µs, i.e. year
 * 2255). The source data has microsecond timestamps, and two polls a few hundred microseconds apart
 * must keep their order, so milliseconds would not do.
 */

export const MICROS_PER_SECOND = 1_000_000;
const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

/** Why a row was skipped; the keys are what reports and logs count by. */
export const SkipReason = {
  emptyStoreId: 'empty_store_id',
  badStatus: 'bad_status',
  badTimestamp: 'bad_timestamp',
  badDayOfWeek: 'bad_day_of_week',
  badTime: 'bad_time',
  wrongFieldCount: 'wrong_field_count',
} as const;
export type SkipReason = (typeof SkipReason)[keyof typeof SkipReason];

/** `active` → 1, `inactive` → 0 (trimmed, any case); anything else → -1. */
export function parseStatus(text: string): 1 | 0 | -1 {
  const status = text.trim().toLowerCase();
  if (status === 'active') return 1;
  if (status === 'inactive') return 0;
  return -1;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // Howard Hinnant's days_from_civil: exact integer arithmetic, no Date objects on the hot path.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.f…] UTC` as in the real files; also accepts `T` for the space and a
 * `Z`/`+00:00`/`UTC` suffix or none (always UTC). 0–9 fraction digits, truncated to microseconds.
 * Returns epoch microseconds, or NaN when the text is not such a timestamp or names an
 * impossible date or time.
 */
export function parseTimestampUtc(text: string): number {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return NaN;
  const year = +m[1], month = +m[2], day = +m[3], hour = +m[4], minute = +m[5], second = +m[6];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return NaN;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const micros = m[7] ? +(m[7] + '00000').slice(0, 6) : 0;
  return (
    daysFromCivil(year, month, day) * MICROS_PER_DAY +
    (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND +
    micros
  );
}
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:\s*(?:UTC|Z|[+-]00:?00))?$/i;

/**
 * Local time of day `HH:MM[:SS[.f…]]` (hours 00–23) → microseconds since local midnight, or NaN.
 * `24:00:00` is rejected: the spec writes an all-day row as `end == start`.
 */
export function parseLocalTime(text: string): number {
  if (text.length === 8 && text.charCodeAt(2) === 58 && text.charCodeAt(5) === 58) {
    // `HH:MM:SS`, every row of the real files: digits read directly, no regex (172 k calls a report).
    const hour = twoDigits(text, 0), minute = twoDigits(text, 3), second = twoDigits(text, 6);
    if (hour < 0 || minute < 0 || second < 0) return NaN;
    if (hour > 23 || minute > 59 || second > 59) return NaN;
    return (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND;
  }
  const m = LOCAL_TIME.exec(text.trim());
  if (!m) return NaN;
  const hour = +m[1], minute = +m[2], second = m[3] ? +m[3] : 0;
  if (hour > 23 || minute > 59 || second > 59) return NaN;
  const micros = m[4] ? +(m[4] + '00000').slice(0, 6) : 0;
  return (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND + micros;
}
const LOCAL_TIME = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

function twoDigits(text: string, at: number): number {
  const tens = text.charCodeAt(at) - 48;
  const ones = text.charCodeAt(at + 1) - 48;
  return tens >= 0 && tens <= 9 && ones >= 0 && ones <= 9 ? tens * 10 + ones : -1;
}

/** `0`…`6` (0 = Monday) → the number, anything else → -1. */
export function parseDayOfWeek(text: string): number {
  const day = text.trim();
  return day.length === 1 && day >= '0' && day <= '6' ? day.charCodeAt(0) - 48 : -1;
}

/** Epoch microseconds → `2023-01-25T18:13:22.479220Z` (full microsecond precision). */
export function formatInstant(micros: number): string {
  const ms = Math.floor(micros / 1000);
  const iso = new Date(ms).toISOString();
  const subMillis = String(micros - ms * 1000).padStart(3, '0');
  return `${iso.slice(0, 23)}${subMillis}Z`;
}

/**
 * An ISO-8601 instant with an explicit zone (`2023-01-25T18:13:22.479220Z`, `…+05:30`), or the
 * poll files' own form (`2023-01-25 18:13:22.47922 UTC`) → epoch µs, or NaN. Used for `as_of`.
 */
export function parseInstant(text: string): number {
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return parseTimestampUtc(text);
  const local = parseTimestampUtc(`${m[1]} ${m[2]}`);
  if (Number.isNaN(local) || m[3].toUpperCase() === 'Z') return local;
  const sign = m[3][0] === '-' ? -1 : 1;
  const [hours, minutes] = m[3].slice(1).split(':').map(Number);
  if (hours > 23 || minutes > 59) return NaN;
  return local - sign * (hours * 60 + minutes) * MICROS_PER_MINUTE;
}
const ISO_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}:\d{2})$/i;
