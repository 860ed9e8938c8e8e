import { MICROS_PER_HOUR, MICROS_PER_SECOND } from './micros';
import { type Random, shuffleInPlace } from './random';

/** An interval of epoch microseconds, `[fromUs, toUs)`. */
export interface Interval {
  fromUs: number;
  toUs: number;
}

export interface PollGeneratorOptions {
  /** First possible poll (epoch µs). */
  startUs: number;
  /** Last possible poll (epoch µs); the file's latest poll is stamped exactly here. */
  endUs: number;
  /** When the poller itself was down: no store has a row in it. */
  hole: Interval | null;
  /** Share of scheduled polls that leave no row (the real file has ~17 rows a store a day, not 24). */
  skipRate: number;
}

/** The shape of the real 2023 poll file, which the generator reproduces: its window and its polling hole. */
export const POLL_WINDOW_2023 = {
  start: '2023-01-18T00:00:00Z',
  end: '2023-01-25T18:13:22.479Z',
  hole: { from: '2023-01-22T17:00:00Z', to: '2023-01-24T05:53:00Z' },
} as const;

/**
 * How stores behave. Most are reliable, some flaky, a few bad; outages are a two-state Markov
 * chain over consecutive polls, plus rare long outages and dead stores, so that hour, day and
 * week figures all see gaps of every length.
 */
const BEHAVIOUR = {
  /** [share of stores, chance that an up store is down at its next poll]. */
  reliability: [
    [0.75, 0.003],
    [0.17, 0.03],
    [0.08, 0.15],
  ],
  recoverPerPoll: 0.35,
  downAtStart: 0.03,
  dead: 0.02,
  longOutage: 0.01,
  longOutageHours: { min: 6, spread: 24 },
  /** Poll interval = 1 h × (1 + 0.1 · N(0, 1)), kept within these bounds. */
  interval: { deviation: 0.1, min: 0.65, max: 2.2 },
  /** Share of rows stamped on a whole second (no fraction), as some real rows are. */
  wholeSecond: 0.01,
} as const;

/**
 * Polls as compact columns (13 bytes a row) rather than 1.8 M row strings: rows are formatted
 * only while they are written.
 */
export interface GeneratedPolls {
  storeIds: readonly string[];
  /** Index into `storeIds`. */
  storeIndex: Uint32Array;
  timestampUs: Float64Array;
  /** 1 = active, 0 = inactive. */
  active: Uint8Array;
  length: number;
}

class PollColumns {
  storeIndex = new Uint32Array(1 << 16);
  timestampUs = new Float64Array(1 << 16);
  active = new Uint8Array(1 << 16);
  length = 0;

  push(store: number, timestampUs: number, active: boolean): void {
    if (this.length === this.active.length) this.grow();
    this.storeIndex[this.length] = store;
    this.timestampUs[this.length] = timestampUs;
    this.active[this.length] = active ? 1 : 0;
    this.length++;
  }

  private grow(): void {
    const capacity = this.active.length * 2;
    const storeIndex = new Uint32Array(capacity);
    storeIndex.set(this.storeIndex);
    const timestampUs = new Float64Array(capacity);
    timestampUs.set(this.timestampUs);
    const active = new Uint8Array(capacity);
    active.set(this.active);
    Object.assign(this, { storeIndex, timestampUs, active });
  }
}

function inHole(micros: number, hole: Interval | null): boolean {
  return hole !== null && micros >= hole.fromUs && micros < hole.toUs;
}

/**
 * The polls of every store over the window, store by store in time order. Deterministic for the
 * state of `random`.
 */
export function generatePolls(storeIds: readonly string[], options: PollGeneratorOptions, random: Random): GeneratedPolls {
  const { startUs, endUs, hole, skipRate } = options;
  const columns = new PollColumns();
  const { interval } = BEHAVIOUR;
  let latest = -1;

  for (let store = 0; store < storeIds.length; store++) {
    const kind = random.next();
    let failPerPoll = BEHAVIOUR.reliability[BEHAVIOUR.reliability.length - 1][1] as number;
    let cumulative = 0;
    for (const [share, fail] of BEHAVIOUR.reliability) {
      cumulative += share;
      if (kind < cumulative) {
        failPerPoll = fail;
        break;
      }
    }
    const dead = random.next() < BEHAVIOUR.dead;
    const longFrom = random.next() < BEHAVIOUR.longOutage ? startUs + random.next() * (endUs - startUs) : -1;
    const longTo =
      longFrom + (BEHAVIOUR.longOutageHours.min + random.next() * BEHAVIOUR.longOutageHours.spread) * MICROS_PER_HOUR;
    let up = !dead && random.next() >= BEHAVIOUR.downAtStart;

    for (let t = startUs + random.next() * MICROS_PER_HOUR; t <= endUs; ) {
      if (!inHole(t, hole) && random.next() >= skipRate) {
        if (!dead) up = up ? random.next() >= failPerPoll : random.next() < BEHAVIOUR.recoverPerPoll;
        const active = up && !(t >= longFrom && t < longTo);
        let stamp = Math.floor(t);
        if (random.next() < BEHAVIOUR.wholeSecond) {
          const whole = Math.floor(t / MICROS_PER_SECOND) * MICROS_PER_SECOND;
          // Truncating must not move a poll before the window or into the hole.
          if (whole >= startUs && !inHole(whole, hole)) stamp = whole;
        }
        if (latest < 0 || stamp > columns.timestampUs[latest]) latest = columns.length;
        columns.push(store, stamp, active);
      }
      const factor = Math.min(interval.max, Math.max(interval.min, 1 + interval.deviation * random.gaussian()));
      t += factor * MICROS_PER_HOUR;
    }
  }
  // The real file ends on its extraction instant; stamping the latest poll there makes `now` of a
  // report without --as-of exactly `endUs`, whatever the seed.
  if (latest >= 0 && !inHole(endUs, hole)) columns.timestampUs[latest] = endUs;

  return {
    storeIds,
    storeIndex: columns.storeIndex.subarray(0, columns.length),
    timestampUs: columns.timestampUs.subarray(0, columns.length),
    active: columns.active.subarray(0, columns.length),
    length: columns.length,
  };
}

/**
 * The same polls in a random row order (the real file is not sorted, and readers must not depend
 * on any order). Shuffles 4-byte indexes, then gathers the columns once, so that the writer reads
 * them sequentially: gathering in a tight loop is ~5× cheaper than the same random reads spread
 * through row formatting (cache misses), and no row strings ever exist.
 */
export function shufflePolls(polls: GeneratedPolls, random: Random): GeneratedPolls {
  const { length } = polls;
  const order = new Uint32Array(length);
  for (let i = 0; i < length; i++) order[i] = i;
  shuffleInPlace(order, random);
  const storeIndex = new Uint32Array(length);
  const timestampUs = new Float64Array(length);
  const active = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const row = order[i];
    storeIndex[i] = polls.storeIndex[row];
    timestampUs[i] = polls.timestampUs[row];
    active[i] = polls.active[row];
  }
  return { storeIds: polls.storeIds, storeIndex, timestampUs, active, length };
}
