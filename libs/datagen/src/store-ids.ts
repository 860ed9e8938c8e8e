import type { Random } from './random';

/**
 * Store ids of a `store_id,…` CSV file's lines (the first line is the header): the first field,
 * trimmed, without a UTF-8 BOM or surrounding quotes; blank ids are ignored. Ids are added to
 * `into` in order of first appearance, so the generated file depends only on the input files' order.
 */
export function collectStoreIds(lines: Iterable<string>, into: Set<string> = new Set()): Set<string> {
  let header = true;
  for (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    const comma = line.indexOf(',');
    const id = (comma < 0 ? line : line.slice(0, comma)).trim().replace(/^"(.*)"$/, '$1').trim();
    if (id) into.add(id);
  }
  return into;
}

export interface StoreSetOptions {
  /** Copies of the whole store set (the first is the real ids, later ones get fresh ids). */
  scale: number;
  /**
   * Stores that poll but have neither business hours nor a time zone, as a share of the known
   * stores. The real 2023 poll file has about 4 % of them; the spec treats them as open 24×7 in
   * America/Chicago, so they must exist in test data.
   */
  extraShare: number;
}

/** A random id shaped like the real ones: 19 decimal digits, no leading zero. */
function randomStoreId(random: Random): string {
  let id = String(1 + random.int(9));
  for (let i = 0; i < 18; i++) id += String(random.int(10));
  return id;
}

/**
 * The stores of a generated file: the known ids, ~`extraShare` more without hours or zone, and
 * the whole set again `scale − 1` times under fresh distinct ids (same shape, K× the volume).
 */
export function buildStoreIds(known: Iterable<string>, options: StoreSetOptions, random: Random): string[] {
  const seen = new Set<string>(known);
  const base = [...seen];
  const fresh = (): string => {
    let id: string;
    do id = randomStoreId(random);
    while (seen.has(id));
    seen.add(id);
    return id;
  };
  const extras = Math.round(base.length * options.extraShare);
  for (let i = 0; i < extras; i++) base.push(fresh());
  const stores = base.slice();
  for (let copy = 1; copy < options.scale; copy++) for (let i = 0; i < base.length; i++) stores.push(fresh());
  return stores;
}
