import { MICROS_PER_HOUR } from './parse';

/**
 * A counted poll packed into one double: `timestamp_us * 2 + (inactive ? 1 : 0)`. Sorting keys
 * numerically orders polls by time and, at equal timestamps, puts the inactive poll later, as the
 * spec requires ("the `inactive` one is the later one"). Exact while |timestamp| < 2^52 µs (year 2112).
 */
export function pollKey(timestampUs: number, isActive: number): number {
  return timestampUs * 2 + (isActive ? 0 : 1);
}

export function keyTime(key: number): number {
  return Math.floor(key / 2);
}

export function keyIsActive(key: number): 0 | 1 {
  return key - 2 * Math.floor(key / 2) === 0 ? 1 : 0;
}

/** A status step function: `active[k]` holds on `[changes[k], changes[k + 1])`; `changes[0]` is -∞. */
export interface StatusTimeline {
  changes: number[];
  active: number[];
}

/**
 * Why a segment of a timeline has its status (the evidence behind a number, GET
 * /stores/{id}/timeline), recorded only when asked for:
 * - `poll`: `step`, the latest counted poll at or before the segment (`pollKey`);
 * - `votes`: `hourly`, the majority of the bucket's counted polls (a tie is inactive);
 * - `last_known`: `hourly`, an empty bucket, the latest counted poll before it (`pollKey`);
 * - `first_poll`: before any counted poll, the first counted poll's status (back-fill, `pollKey`).
 */
export type SegmentBasis =
  | { rule: 'poll' | 'last_known' | 'first_poll'; pollKey: number }
  | { rule: 'votes'; activeVotes: number; inactiveVotes: number };

/**
 * `step`: the status of the latest counted poll at or before `t`; before the first counted poll,
 * the first poll's status (back-fill). `keys` are sorted poll keys, at least one.
 */
export function stepTimeline(keys: ArrayLike<number>, basis?: SegmentBasis[]): StatusTimeline {
  const changes = [-Infinity];
  const active = [keyIsActive(keys[0])];
  basis?.push({ rule: 'first_poll', pollKey: keys[0] });
  for (let j = 0; j < keys.length; j++) {
    changes.push(keyTime(keys[j]));
    active.push(keyIsActive(keys[j]));
    basis?.push({ rule: 'poll', pollKey: keys[j] });
  }
  return { changes, active };
}

/**
 * `hourly`: UTC hour buckets covering `[fromUs, toUs)`. A bucket with counted polls takes their
 * majority (a tie is inactive); an empty one takes the latest counted poll before it starts, or
 * the first counted poll when there is none. `keys` are sorted poll keys, at least one.
 */
export function hourlyTimeline(keys: ArrayLike<number>, fromUs: number, toUs: number, basis?: SegmentBasis[]): StatusTimeline {
  const firstStatus = keyIsActive(keys[0]);
  const changes = [-Infinity];
  const active: number[] = [firstStatus];
  basis?.push({ rule: 'first_poll', pollKey: keys[0] });
  let next = 0;
  let latestStatus = -1;
  for (let bucket = Math.floor(fromUs / MICROS_PER_HOUR) * MICROS_PER_HOUR; bucket < toUs; bucket += MICROS_PER_HOUR) {
    while (next < keys.length && keyTime(keys[next]) < bucket) latestStatus = keyIsActive(keys[next++]);
    const statusBefore = latestStatus;
    const latestBefore = next - 1;
    let votes = 0;
    let activeVotes = 0;
    const bucketEnd = bucket + MICROS_PER_HOUR;
    while (next < keys.length && keyTime(keys[next]) < bucketEnd) {
      latestStatus = keyIsActive(keys[next++]);
      votes++;
      activeVotes += latestStatus;
    }
    changes.push(bucket);
    if (votes > 0) {
      active.push(2 * activeVotes > votes ? 1 : 0);
      basis?.push({ rule: 'votes', activeVotes, inactiveVotes: votes - activeVotes });
    } else {
      active.push(statusBefore >= 0 ? statusBefore : firstStatus);
      basis?.push(statusBefore >= 0 ? { rule: 'last_known', pollKey: keys[latestBefore] } : { rule: 'first_poll', pollKey: keys[0] });
    }
  }
  return { changes, active };
}

/**
 * Adds, for each window `[windowStarts[w], end)` (all windows end where the intervals end), the
 * length of `intervals` (flat sorted disjoint pairs) inside it to `business[w]`, and the length
 * during which `timeline` is active to `up[w]`.
 */
export function measureWindows(
  timeline: StatusTimeline,
  intervals: number[],
  windowStarts: readonly number[],
  business: Float64Array,
  up: Float64Array,
): void {
  const { changes, active } = timeline;
  const segments = changes.length;
  let k = 0;
  for (let i = 0; i < intervals.length; i += 2) {
    const start = intervals[i];
    const end = intervals[i + 1];
    addToWindows(start, end, windowStarts, business);
    while (k + 1 < segments && changes[k + 1] <= start) k++;
    let from = start;
    for (;;) {
      const segmentEnd = k + 1 < segments ? Math.min(changes[k + 1], end) : end;
      if (active[k]) addToWindows(from, segmentEnd, windowStarts, up);
      if (segmentEnd >= end) break;
      from = segmentEnd;
      k++;
    }
  }
}

function addToWindows(from: number, to: number, windowStarts: readonly number[], totals: Float64Array): void {
  for (let w = 0; w < windowStarts.length; w++) {
    const lo = from > windowStarts[w] ? from : windowStarts[w];
    if (to > lo) totals[w] += to - lo;
  }
}
