/**
 * The hours or time-zone file that goes with a scaled poll file (`buildStoreIds` with scale K):
 * the original rows, then the same rows again for each later copy of the store set under that
 * copy's fresh ids. So the added stores have business hours and zones shaped exactly like the
 * real ones, and a K× report is as hard per store as the real fleet, not K× the easy 24×7 case.
 *
 * `storeIds` is the generated file's store list: copy `k`'s store `i` is `storeIds[k × n + i]`,
 * n = storeIds.length / scale, and the known ids are the first of copy 0 (store-ids.ts).
 * Lines are `\n`-separated text with the header first; everything after a row's first field
 * (other columns, a CR of a CRLF file) is kept byte for byte. Rows of stores not in `storeIds`
 * and blank lines are kept once and not copied.
 */
export function* scaledStoreFileLines(lines: readonly string[], storeIds: readonly string[], scale: number): Generator<string> {
  const perCopy = storeIds.length / scale;
  if (!Number.isInteger(perCopy)) throw new RangeError('storeIds must hold `scale` equal copies of the store set');
  const indexOf = new Map<string, number>();
  for (let i = 0; i < perCopy; i++) indexOf.set(storeIds[i], i);
  yield* lines;
  for (let copy = 1; copy < scale; copy++) {
    for (let line = 1; line < lines.length; line++) {
      const text = lines[line];
      const comma = text.indexOf(',');
      if (comma < 0) continue;
      const index = indexOf.get(text.slice(0, comma).trim().replace(/^"(.*)"$/, '$1').trim());
      if (index !== undefined) yield `${storeIds[copy * perCopy + index]}${text.slice(comma)}`;
    }
  }
}
