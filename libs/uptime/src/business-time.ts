import { MICROS_PER_DAY } from './parse';
import type { ZoneClock } from './zone-clock';

/** One store's business-hours rows, in microseconds since local midnight. */
export interface WeeklyHours {
  dayOfWeek: number[];
  startUs: number[];
  endUs: number[];
}

/**
 * A store's business time inside `[fromUs, toUs)` as sorted, disjoint `[start, end)` pairs
 * (flat: start0, end0, start1, end1, …), following the spec's "Business time":
 * - no rows → open all the time;
 * - each row opens the store on every local date with its weekday, from start to end on that date,
 *   or to end on the next local date when end <= start (end == start: until the same time tomorrow);
 * - local times become instants with the store's zone for that date (ZoneClock's gap/overlap rule);
 * - the union of all intervals (overlaps count once).
 */
export function businessIntervals(hours: WeeklyHours | undefined, clock: ZoneClock, fromUs: number, toUs: number): number[] {
  if (!hours || hours.dayOfWeek.length === 0) return toUs > fromUs ? [fromUs, toUs] : [];
  const pieces: number[] = [];
  // A row of the local date before the span can still reach into it (overnight rows).
  const firstDay = clock.localDayOf(fromUs) - 1;
  const lastDay = clock.localDayOf(toUs);
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = (((day + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Monday
    for (let row = 0; row < hours.dayOfWeek.length; row++) {
      if (hours.dayOfWeek[row] !== weekday) continue;
      const startUs = hours.startUs[row];
      const endUs = hours.endUs[row];
      const endDay = endUs > startUs ? day : day + 1;
      const start = Math.max(clock.toUtc(day * MICROS_PER_DAY + startUs), fromUs);
      const end = Math.min(clock.toUtc(endDay * MICROS_PER_DAY + endUs), toUs);
      if (end > start) pieces.push(start, end);
    }
  }
  return mergeIntervals(pieces);
}

/** Sorts flat `[start, end)` pairs and merges those that overlap or touch. */
function mergeIntervals(pieces: number[]): number[] {
  const count = pieces.length / 2;
  if (count <= 1) return pieces;
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => pieces[2 * a] - pieces[2 * b]);
  const merged: number[] = [];
  for (const i of order) {
    const start = pieces[2 * i];
    const end = pieces[2 * i + 1];
    const last = merged.length - 1;
    if (last > 0 && start <= merged[last]) merged[last] = Math.max(merged[last], end);
    else merged.push(start, end);
  }
  return merged;
}
