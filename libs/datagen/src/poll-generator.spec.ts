import { generatePolls, type GeneratedPolls, POLL_WINDOW_2023, type PollGeneratorOptions, shufflePolls } from './poll-generator';
import { createRandom } from './random';

const us = (iso: string): number => Date.parse(iso) * 1000;
const HOUR = 3600e6;

const window2023: PollGeneratorOptions = {
  startUs: us(POLL_WINDOW_2023.start),
  endUs: us(POLL_WINDOW_2023.end),
  hole: { fromUs: us(POLL_WINDOW_2023.hole.from), toUs: us(POLL_WINDOW_2023.hole.to) },
  skipRate: 0.15,
};
const stores = Array.from({ length: 500 }, (_, i) => `store-${i}`);
const generate = (options: PollGeneratorOptions = window2023, seed = 1): GeneratedPolls =>
  generatePolls(stores, options, createRandom(seed));

function timestamps(polls: GeneratedPolls): number[] {
  return Array.from(polls.timestampUs);
}

describe('generatePolls', () => {
  const polls = generate();

  it('leaves the polling hole empty', () => {
    const { fromUs, toUs } = window2023.hole!;
    expect(timestamps(polls).filter((t) => t >= fromUs && t < toUs)).toEqual([]);
    // ...while polls come right up to it and resume right after it.
    expect(timestamps(polls).some((t) => t >= fromUs - HOUR && t < fromUs)).toBe(true);
    expect(timestamps(polls).some((t) => t >= toUs && t < toUs + HOUR)).toBe(true);
  });

  it('keeps every poll inside the window and stamps the latest exactly at its end', () => {
    const all = timestamps(polls);
    expect(all.reduce((min, t) => Math.min(min, t))).toBeGreaterThanOrEqual(window2023.startUs);
    expect(all.reduce((max, t) => Math.max(max, t))).toBe(window2023.endUs);
    expect(all.every(Number.isInteger)).toBe(true);
  });

  it('polls each store about 17 times a day over the 2023 window, as the real file does', () => {
    const days = (window2023.endUs - window2023.startUs) / (24 * HOUR);
    const perStoreDay = polls.length / stores.length / days;
    expect(perStoreDay).toBeGreaterThan(15.5);
    expect(perStoreDay).toBeLessThan(17.5);
  });

  it('writes each store’s polls in time order, roughly an hour apart', () => {
    const gaps: number[] = [];
    for (let i = 1; i < polls.length; i++) {
      if (polls.storeIndex[i] === polls.storeIndex[i - 1]) gaps.push(polls.timestampUs[i] - polls.timestampUs[i - 1]);
    }
    gaps.sort((a, b) => a - b);
    expect(gaps[0]).toBeGreaterThan(0);
    const median = gaps[gaps.length >> 1];
    expect(median).toBeGreaterThan(0.9 * HOUR);
    expect(median).toBeLessThan(1.2 * HOUR);
  });

  it('gives every store polls, mostly active, with some stores inactive throughout', () => {
    const seen = new Set(polls.storeIndex);
    expect(seen.size).toBe(stores.length);
    const activeShare = polls.active.reduce((sum, a) => sum + a, 0) / polls.length;
    expect(activeShare).toBeGreaterThan(0.8);
    expect(activeShare).toBeLessThan(0.99);
    const activeStores = new Set(Array.from(polls.storeIndex).filter((_, i) => polls.active[i] === 1));
    expect(stores.length - activeStores.size).toBeGreaterThan(2); // dead stores, ~2 %
  });

  it('stamps about 1 % of polls on a whole second', () => {
    const whole = timestamps(polls).filter((t) => t % 1e6 === 0).length / polls.length;
    expect(whole).toBeGreaterThan(0.005);
    expect(whole).toBeLessThan(0.02);
  });

  it('polls through the whole window when there is no hole', () => {
    const all = timestamps(generate({ ...window2023, hole: null }));
    const { fromUs, toUs } = window2023.hole!;
    expect(all.filter((t) => t >= fromUs && t < toUs).length).toBeGreaterThan(stores.length * 25);
  });

  it('is the same for the same seed and differs for another', () => {
    // Byte comparisons: Jest's deep equality walks typed arrays element by element (seconds here).
    const bytes = (p: GeneratedPolls): Buffer =>
      Buffer.concat([p.storeIndex, p.timestampUs, p.active].map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    expect(bytes(generate()).equals(bytes(polls))).toBe(true);
    expect(bytes(generate(window2023, 2)).equals(bytes(polls))).toBe(false);
  });
});

describe('shufflePolls', () => {
  it('reorders the rows without changing any of them', () => {
    const polls = generate(window2023);
    const shuffled = shufflePolls(polls, createRandom(1));
    const rows = (p: GeneratedPolls) =>
      Array.from({ length: p.length }, (_, i) => `${p.storeIndex[i]}|${p.timestampUs[i]}|${p.active[i]}`);
    const before = rows(polls);
    const after = rows(shuffled);
    expect(after.join('\n')).not.toBe(before.join('\n'));
    expect(after.sort().join('\n')).toBe(before.sort().join('\n'));
  });
});
