import { RefreshAheadCache } from './refresh-ahead-cache';

/** A readMany over a table the test changes, recording each batch it was asked for. */
function source(initial: Record<string, number>) {
  const table = new Map(Object.entries(initial));
  const batches: string[][] = [];
  let release: (() => void) | undefined;
  let held = false;
  const readMany = async (keys: string[]) => {
    batches.push([...keys].sort());
    const snapshot = new Map(keys.filter((key) => table.has(key)).map((key) => [key, table.get(key)!]));
    if (held) await new Promise<void>((resolve) => (release = resolve));
    return snapshot;
  };
  return {
    table,
    batches,
    readMany,
    hold: () => (held = true),
    release: () => {
      held = false;
      release?.();
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function cache(readMany: (keys: string[]) => Promise<Map<string, number>>) {
  return new RefreshAheadCache<number>({ limit: 100, maxAgeMs: 1_000, refreshAfterMs: 500, readMany });
}

describe('RefreshAheadCache', () => {
  it('answers a fresh entry from memory and never an entry as old as maxAgeMs', () => {
    const rows = cache(source({}).readMany);
    rows.set('a', 1, 0);
    expect(rows.get('a', 499)).toBe(1);
    expect(rows.get('a', 1_000)).toBeUndefined();
    expect(rows.get('a', 10)).toBeUndefined();
  });

  it('refreshes every entry read again after refreshAfterMs in one batch, answering from memory meanwhile', async () => {
    const db = source({ a: 2, b: 2, c: 2 });
    const rows = cache(db.readMany);
    for (const key of ['a', 'b', 'c']) rows.set(key, 1, 0);
    rows.get('b', 100);
    rows.get('c', 100);

    expect(rows.get('a', 600)).toBe(1);
    await settle();
    // a, and b and c, read again since their values came; one batch.
    expect(db.batches).toEqual([['a', 'b', 'c']]);
    expect(['a', 'b', 'c'].map((key) => rows.get(key, 1_500))).toEqual([2, 2, 2]);
  });

  it('leaves an entry nobody read again out of the batch, to age out', async () => {
    const db = source({ a: 2, b: 2 });
    const rows = cache(db.readMany);
    rows.set('a', 1, 0);
    rows.set('b', 1, 0);
    rows.get('a', 600);
    await settle();
    expect(db.batches).toEqual([['a']]);
    expect(rows.get('b', 1_000)).toBeUndefined();
    expect(rows.get('a', 1_000)).toBe(2);
  });

  it('starts no second batch while one is running; entries read meanwhile go in the next', async () => {
    const db = source({ a: 2, b: 2 });
    const rows = cache(db.readMany);
    rows.set('a', 1, 0);
    rows.set('b', 1, 0);
    db.hold();
    rows.get('a', 600);
    rows.get('b', 700);
    rows.get('a', 800);
    expect(db.batches).toEqual([['a']]);
    db.release();
    await settle();
    // b, read again during the batch, is due in the next one.
    rows.get('b', 900);
    await settle();
    expect(db.batches).toEqual([['a'], ['b']]);
  });

  it('drops an entry the batch no longer finds, and keeps one deleted or set afresh meanwhile as it is', async () => {
    const db = source({ a: 2, b: 2 });
    const rows = cache(db.readMany);
    for (const key of ['a', 'b', 'gone']) rows.set(key, 1, 0);
    rows.get('b', 100);
    rows.get('gone', 100);
    db.hold();
    rows.get('a', 600);
    expect(db.batches).toEqual([['a', 'b', 'gone']]);
    rows.delete('a');
    rows.set('b', 3, 650);
    db.release();
    await settle();
    expect(rows.get('a', 700)).toBeUndefined();
    expect(rows.get('b', 700)).toBe(3);
    expect(rows.get('gone', 700)).toBeUndefined();
  });

  it('counts a batch value as read when the batch started, so it is never older than maxAgeMs', async () => {
    const db = source({ a: 2 });
    const rows = cache(db.readMany);
    rows.set('a', 1, 0);
    rows.get('a', 600);
    await settle();
    expect(rows.get('a', 1_599)).toBe(2);
    expect(rows.get('a', 1_600)).toBeUndefined();
  });

  it('keeps its entries after a failed batch until they age out', async () => {
    const rows = cache(() => Promise.reject(new Error('database down')));
    rows.set('a', 1, 0);
    expect(rows.get('a', 600)).toBe(1);
    await settle();
    expect(rows.get('a', 999)).toBe(1);
    expect(rows.get('a', 1_000)).toBeUndefined();
  });

  it('holds at most limit entries, dropping the oldest', () => {
    const rows = new RefreshAheadCache<number>({ limit: 2, maxAgeMs: 1_000, refreshAfterMs: 500, readMany: source({}).readMany });
    rows.set('a', 1, 0);
    rows.set('b', 2, 0);
    rows.set('c', 3, 0);
    expect([rows.get('a', 1), rows.get('b', 1), rows.get('c', 1)]).toEqual([undefined, 2, 3]);
  });
});
