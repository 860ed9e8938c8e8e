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
function daysFromCivil(year: number, month: number, day: number): number {
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

/** Lengths of `YYYY-MM-DD HH:MM:SS UTC` and of the same with a 6-digit fraction. */
const CANONICAL_MIN_LENGTH = 23;
const CANONICAL_MAX_LENGTH = 30;
const DASH = 0x2d;
const SPACE = 0x20;
const COLON = 0x3a;
const DOT = 0x2e;
const POWERS_OF_TEN = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];

/**
 * `parseTimestampUtc` with a fast path for the poll files' own form, `YYYY-MM-DD HH:MM:SS[.f{1,6}] UTC`,
 * read from ASCII bytes: the CSV command (straight from the file's bytes) and ingest (from text)
 * both read 1.8 M of them, and the regex was a third of their CPU time. The fast path answers
 * only valid timestamps of exactly that form, taking each date's midnight from parseTimestampUtc
 * itself (cached: a poll file spans a few dozen dates); for anything else it answers NaN and the
 * caller asks parseTimestampUtc. So what counts as valid is decided in one place, and both paths
 * agree by construction (parse.spec.ts checks it on every edge and on random timestamps).
 */
export class TimestampReader {
  /** yyyymmdd → epoch µs of that midnight, or NaN for an impossible date. */
  private readonly midnights = new Map<number, number>();
  /**
   * Where `read` leaves its result. A number that is not a small integer, returned from a call the
   * compiler does not inline (`read` is too large), is boxed: one heap allocation per poll, 17.9 M
   * at the 10× fleet, and the young-generation collections they caused kept promoting the file's
   * gunzipped chunks, each promotion a step towards another full collection.
   */
  private readonly result = new Float64Array(1);

  /** `bytes[start, end)` in the canonical form → epoch µs into `out[index]`; false (writing nothing) when it is not a valid one. */
  canonicalInto(bytes: Uint8Array, start: number, end: number, out: Float64Array, index: number): boolean {
    if (!this.read(bytes, start, end)) return false;
    out[index] = this.result[0];
    return true;
  }

  /** Exactly `parseTimestampUtc(text)`, fast for the canonical form. */
  parse(text: string): number {
    return this.read(text, 0, text.length) ? this.result[0] : parseTimestampUtc(text);
  }

  /**
   * One reader for bytes and for text: `codeAt` reads a byte or a UTF-16 code unit, and anything
   * outside ASCII fails the digit and separator checks, so text needs no copying first.
   */
  private read(source: Uint8Array | string, start: number, end: number): boolean {
    const length = end - start;
    if (length < CANONICAL_MIN_LENGTH || length > CANONICAL_MAX_LENGTH || length === CANONICAL_MIN_LENGTH + 1) return false;
    if (codeAt(source, start + 4) !== DASH || codeAt(source, start + 7) !== DASH || codeAt(source, start + 10) !== SPACE) return false;
    if (codeAt(source, start + 13) !== COLON || codeAt(source, start + 16) !== COLON) return false;
    // ' UTC'
    if (codeAt(source, end - 4) !== SPACE || codeAt(source, end - 3) !== 0x55 || codeAt(source, end - 2) !== 0x54 || codeAt(source, end - 1) !== 0x43) {
      return false;
    }
    const year = digits(source, start, 4);
    const month = digits(source, start + 5, 2);
    const day = digits(source, start + 8, 2);
    const hour = digits(source, start + 11, 2);
    const minute = digits(source, start + 14, 2);
    const second = digits(source, start + 17, 2);
    if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) return false;
    if (hour > 23 || minute > 59 || second > 59) return false;
    let micros = 0;
    if (length > CANONICAL_MIN_LENGTH) {
      // Position 19 is the '.', then 1–6 fraction digits up to the ' UTC'.
      const count = length - CANONICAL_MIN_LENGTH - 1;
      if (codeAt(source, start + 19) !== DOT) return false;
      micros = digits(source, start + 20, count);
      if (micros < 0) return false;
      micros *= POWERS_OF_TEN[6 - count];
    }
    const date = year * 10_000 + month * 100 + day;
    let midnight = this.midnights.get(date);
    if (midnight === undefined) {
      midnight = parseTimestampUtc(`${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} 00:00:00`);
      this.midnights.set(date, midnight);
    }
    if (Number.isNaN(midnight)) return false; // an impossible date
    this.result[0] = midnight + (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND + micros;
    return true;
  }
}

function codeAt(source: Uint8Array | string, at: number): number {
  return typeof source === 'string' ? source.charCodeAt(at) : source[at];
}

/** `count` ASCII digits at `at` as a number, or -1 if any is not a digit. */
function digits(source: Uint8Array | string, at: number, count: number): number {
  let value = 0;
  for (let i = 0; i < count; i++) {
    const digit = codeAt(source, at + i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

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
