import { EncodedPollColumnsBuilder } from './tables';

describe('EncodedPollColumnsBuilder', () => {
  it('gives back every row in order, across chunks of every size', () => {
    const builder = new EncodedPollColumnsBuilder();
    // 4 Ki + 16 Ki + 64 Ki + 256 Ki rows fill the growing chunks; the rest lands in a 1 Mi chunk.
    const rows = 400_000;
    for (let row = 0; row < rows; row++) builder.push(row % 7, row % 2, 1_674_000_000_000_000 + row * 1_000_003);
    const columns = builder.build(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(columns.timestamp_us.length).toBe(rows);
    const mismatch = Array.from({ length: rows }, (_, row) => row).find(
      (row) =>
        columns.store_id.at(row) !== 'abcdefg'[row % 7] ||
        columns.is_active[row] !== row % 2 ||
        columns.timestamp_us[row] !== 1_674_000_000_000_000 + row * 1_000_003,
    );
    expect(mismatch).toBeUndefined();
  });

  it('appends rows in bulk across chunk boundaries, in order with single rows', () => {
    const builder = new EncodedPollColumnsBuilder();
    const codes = Int32Array.from({ length: 1_000 }, (_, i) => i % 3);
    const active = Uint8Array.from({ length: 1_000 }, (_, i) => i % 2);
    const times = Float64Array.from({ length: 1_000 }, (_, i) => i * 10);
    builder.push(2, 1, -1);
    // 5 × 999 rows cross the first chunk's end (4 Ki rows) in the middle of a call.
    for (let call = 0; call < 5; call++) builder.pushRows(codes, active, times, 999);
    const columns = builder.build(['a', 'b', 'c']);
    expect(columns.timestamp_us.length).toBe(1 + 5 * 999);
    expect([columns.store_id.at(0), columns.is_active[0], columns.timestamp_us[0]]).toEqual(['c', 1, -1]);
    const row = 1 + 4 * 999 + 998; // the last row of the last call
    expect([columns.store_id.at(row), columns.is_active[row], columns.timestamp_us[row]]).toEqual(['c', 0, 9_980]);
    expect(Array.from(columns.timestamp_us.subarray(1 + 999 * 4, 1 + 999 * 4 + 3))).toEqual([0, 10, 20]);
  });

  it('builds an empty table, and only once', () => {
    const builder = new EncodedPollColumnsBuilder();
    expect(builder.build([]).timestamp_us.length).toBe(0);
    expect(() => builder.build([])).toThrow(/already built/);
  });
});
