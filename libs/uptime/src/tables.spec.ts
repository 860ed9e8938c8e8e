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

  it('builds an empty table, and only once', () => {
    const builder = new EncodedPollColumnsBuilder();
    expect(builder.build([]).timestamp_us.length).toBe(0);
    expect(() => builder.build([])).toThrow(/already built/);
  });
});
