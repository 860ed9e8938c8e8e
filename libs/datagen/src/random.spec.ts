import { createRandom, shuffleInPlace } from './random';

const draws = (seed: number, n: number): number[] => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(draws(42, 100)).toEqual(draws(42, 100));
  });

  it('gives a different sequence for another seed', () => {
    expect(draws(42, 100)).not.toEqual(draws(43, 100));
  });

  it('draws uniformly from [0, 1)', () => {
    const values = draws(7, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 2);
  });

  it('draws standard normal values from gaussian()', () => {
    const random = createRandom(9);
    const values = Array.from({ length: 100_000 }, () => random.gaussian());
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(0, 1);
    expect(variance).toBeCloseTo(1, 1);
    expect(values.every(Number.isFinite)).toBe(true);
  });
});

describe('shuffleInPlace', () => {
  it('returns a permutation of its input', () => {
    const values = Uint32Array.from({ length: 1000 }, (_, i) => i);
    shuffleInPlace(values, createRandom(1));
    expect(Array.from(values).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(values)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});
