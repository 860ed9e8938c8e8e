import { createRandom } from './random';
import { buildStoreIds, collectStoreIds } from './store-ids';

describe('collectStoreIds', () => {
  it('reads the first field of every row after the header, in order of first appearance', () => {
    const ids = collectStoreIds(['\uFEFFstore_id,timezone_str\r', '22,Asia/Beirut\r', '11,America/Boise\r', '22,Asia/Beirut', '']);
    expect([...ids]).toEqual(['22', '11']);
  });

  it('trims blanks and quotes and ignores rows without an id', () => {
    const ids = collectStoreIds(['store_id,day', ' "33" ,1', '  ,2', ',3', '44']);
    expect([...ids]).toEqual(['33', '44']);
  });

  it('adds to an existing set, so two files give their union', () => {
    const ids = collectStoreIds(['store_id', '1', '2'], collectStoreIds(['store_id', '2', '3']));
    expect([...ids]).toEqual(['2', '3', '1']);
  });
});

describe('buildStoreIds', () => {
  const known = new Set(Array.from({ length: 500 }, (_, i) => String(1_000_000 + i)));

  it('keeps the known ids first and adds the share of extra stores', () => {
    const stores = buildStoreIds(known, { scale: 1, extraShare: 0.04 }, createRandom(1));
    expect(stores.slice(0, 500)).toEqual([...known]);
    expect(stores).toHaveLength(520);
    for (const id of stores.slice(500)) expect(id).toMatch(/^[1-9]\d{18}$/);
  });

  it.each([1, 2, 5])('multiplies the stores by the scale (%i), all distinct', (scale) => {
    const stores = buildStoreIds(known, { scale, extraShare: 0.04 }, createRandom(1));
    expect(stores).toHaveLength(520 * scale);
    expect(new Set(stores).size).toBe(stores.length);
  });

  it('is the same for the same seed', () => {
    const options = { scale: 3, extraShare: 0.04 };
    expect(buildStoreIds(known, options, createRandom(5))).toEqual(buildStoreIds(known, options, createRandom(5)));
  });
});
