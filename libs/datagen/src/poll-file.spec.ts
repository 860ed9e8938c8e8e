import { createHash } from 'node:crypto';
import { pollCsvChunks } from './poll-csv';
import { planPollFile, type PollFileOptions } from './poll-file';
import { POLL_WINDOW_2023 } from './poll-generator';

const us = (iso: string): number => Date.parse(iso) * 1000;
const known = new Set(Array.from({ length: 300 }, (_, i) => String(5_000_000_000 + i * 37)));
const options: PollFileOptions = {
  seed: 1,
  scale: 1,
  extraShare: 0.04,
  skipRate: 0.15,
  startUs: us(POLL_WINDOW_2023.start),
  endUs: us(POLL_WINDOW_2023.end),
  hole: { fromUs: us(POLL_WINDOW_2023.hole.from), toUs: us(POLL_WINDOW_2023.hole.to) },
};

function fileDigest(fileOptions: PollFileOptions): string {
  const hash = createHash('sha256');
  for (const chunk of pollCsvChunks(planPollFile(known, fileOptions).polls)) hash.update(chunk);
  return hash.digest('hex');
}

describe('planPollFile', () => {
  it('writes the same bytes for the same seed', () => {
    expect(fileDigest(options)).toBe(fileDigest({ ...options }));
  });

  it('writes another file for another seed', () => {
    expect(fileDigest({ ...options, seed: 2 })).not.toBe(fileDigest(options));
  });

  it('includes every known store and ~4 % more that have no hours or zone', () => {
    const plan = planPollFile(known, options);
    const ids = new Set(Array.from(plan.polls.storeIndex, (s) => plan.polls.storeIds[s]));
    for (const id of known) expect(ids.has(id)).toBe(true);
    expect(plan.extraStores).toBe(12);
    expect(ids.size).toBe(312);
  });

  it.each([2, 3])('multiplies the stores and the rows by --scale %i', (scale) => {
    const single = planPollFile(known, options).polls;
    const scaled = planPollFile(known, { ...options, scale }).polls;
    expect(new Set(scaled.storeIndex).size).toBe(312 * scale);
    expect(new Set(scaled.storeIds).size).toBe(312 * scale);
    expect(scaled.length / single.length).toBeGreaterThan(scale * 0.95);
    expect(scaled.length / single.length).toBeLessThan(scale * 1.05);
  });

  it('shuffles the rows: consecutive rows rarely belong to the same store', () => {
    const { polls } = planPollFile(known, options);
    let same = 0;
    for (let i = 1; i < polls.length; i++) if (polls.storeIndex[i] === polls.storeIndex[i - 1]) same++;
    expect(same / polls.length).toBeLessThan(0.02);
  });
});
