import { ReuseCache } from './reuse-cache';

describe('ReuseCache', () => {
  it('gives a value back until its time is up', () => {
    const cache = new ReuseCache<string>(10);
    cache.set('a', 'x', 1_000, 0);
    expect([cache.get('a', 999), cache.get('a', 1_000), cache.get('a', 0)]).toEqual(['x', undefined, undefined]);
  });

  it('drops the oldest entry when full, and a replaced key counts as new', () => {
    const cache = new ReuseCache<number>(2);
    cache.set('a', 1, 1_000, 0);
    cache.set('b', 2, 1_000, 0);
    cache.set('a', 3, 1_000, 0);
    cache.set('c', 4, 1_000, 0);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([3, undefined, 4]);
  });
});
