import { formatInTimeZone } from 'date-fns-tz';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_SECOND } from './parse';

export const FALLBACK_TIME_ZONE = 'America/Chicago';

const SAMPLE_STEP_US = 6 * MICROS_PER_HOUR;

/**
 * A name is a valid IANA zone when it starts with a letter and Intl knows it. The letter check
 * keeps out offset strings such as `+05:00`, which date-fns-tz and newer Intl versions accept but
 * which name no zone.
 */
export function isValidTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

interface Transition {
  /** First instant (epoch µs) with `offsetAfter`. */
  at: number;
  offsetAfter: number;
}

/**
 * UTC ↔ local wall-clock conversion for one zone over a bounded span of instants.
 *
 * Offsets come from date-fns-tz, but only about a hundred times per zone: the offset is sampled every
 * six hours over the span and each change is narrowed to the second, so every later conversion is a
 * scan of at most a couple of transitions instead of a per-call `Intl` formatting (~25 µs each, which
 * would cost seconds at full scale: ~14 k stores × 9 dates × several times per date).
 *
 * Offsets are read as "instant → wall time" (`formatInTimeZone`), which date-fns-tz gets right;
 * its `getTimezoneOffset` reads the instant's UTC fields as a wall time and is an hour off for the
 * hours next to a transition (it says -5 for Chicago at 2024-03-10T06:00Z, still CST).
 *
 * Local times that fall in a gap or an overlap follow the spec (RFC 5545 / Temporal "compatible"):
 * a nonexistent time is moved forward by the gap, an ambiguous one takes the earlier instant. In both
 * cases that is the offset in force *before* the transition. date-fns-tz's `fromZonedTime` does
 * otherwise in both cases, hence the explicit resolution here.
 */
export class ZoneClock {
  private readonly baseOffset: number;
  private readonly transitions: Transition[] = [];

  constructor(
    readonly zone: string,
    private readonly fromUs: number,
    private readonly toUs: number,
  ) {
    this.baseOffset = this.sampleOffset(fromUs);
    let previous = this.baseOffset;
    // No zone changes its offset twice within six hours (transitions are months apart).
    for (let t = fromUs + SAMPLE_STEP_US; t <= toUs + SAMPLE_STEP_US; t += SAMPLE_STEP_US) {
      const offset = this.sampleOffset(t);
      if (offset !== previous) {
        this.transitions.push({ at: this.narrowTransition(t - SAMPLE_STEP_US, t, previous), offsetAfter: offset });
        previous = offset;
      }
    }
  }

  /** Offset (local − UTC) in microseconds at an instant. */
  offsetAt(instantUs: number): number {
    if (instantUs < this.fromUs || instantUs > this.toUs) return this.sampleOffset(instantUs);
    let offset = this.baseOffset;
    for (const transition of this.transitions) {
      if (instantUs < transition.at) break;
      offset = transition.offsetAfter;
    }
    return offset;
  }

  /** The local calendar day (days since 1970-01-01 in local time) that contains an instant. */
  localDayOf(instantUs: number): number {
    return Math.floor((instantUs + this.offsetAt(instantUs)) / MICROS_PER_DAY);
  }

  /** The instant of a local wall-clock time given as microseconds since local 1970-01-01 00:00. */
  toUtc(localUs: number): number {
    const offsetBefore = this.offsetAt(localUs - MICROS_PER_DAY);
    const offsetAfter = this.offsetAt(localUs + MICROS_PER_DAY);
    const withBefore = localUs - offsetBefore;
    if (offsetBefore === offsetAfter) return withBefore;
    const withAfter = localUs - offsetAfter;
    const beforeHolds = this.offsetAt(withBefore) === offsetBefore;
    const afterHolds = this.offsetAt(withAfter) === offsetAfter;
    if (beforeHolds && afterHolds) return Math.min(withBefore, withAfter); // overlap: the earlier
    if (afterHolds) return withAfter;
    return withBefore; // valid before the transition, or in the gap: the pre-transition offset
  }

  private sampleOffset(instantUs: number): number {
    const second = Math.floor(instantUs / MICROS_PER_SECOND) * 1000;
    const wallTime = formatInTimeZone(new Date(second), this.zone, "yyyy-MM-dd'T'HH:mm:ss");
    return (Date.parse(`${wallTime}Z`) - second) * 1000;
  }

  /** The first second in (lo, hi] whose offset differs from `offsetLo`. */
  private narrowTransition(lo: number, hi: number, offsetLo: number): number {
    let loSec = Math.floor(lo / MICROS_PER_SECOND);
    let hiSec = Math.ceil(hi / MICROS_PER_SECOND);
    while (hiSec - loSec > 1) {
      const mid = Math.floor((loSec + hiSec) / 2);
      if (this.sampleOffset(mid * MICROS_PER_SECOND) === offsetLo) loSec = mid;
      else hiSec = mid;
    }
    return hiSec * MICROS_PER_SECOND;
  }
}
