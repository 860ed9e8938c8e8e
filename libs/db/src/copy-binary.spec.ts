import { BinaryCopyDecoder, PG_EPOCH_US, readInt64, readTimestampUs } from './copy-binary';

/** Encodes rows the way PostgreSQL's `COPY … TO STDOUT (FORMAT binary)` does. */
function encodeCopy(rows: (Buffer | null)[][], extension = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')];
  const header = Buffer.alloc(8);
  header.writeInt32BE(0, 0);
  header.writeInt32BE(extension.length, 4);
  parts.push(header, extension);
  for (const row of rows) {
    const count = Buffer.alloc(2);
    count.writeInt16BE(row.length);
    parts.push(count);
    for (const field of row) {
      const length = Buffer.alloc(4);
      length.writeInt32BE(field === null ? -1 : field.length);
      parts.push(length);
      if (field) parts.push(field);
    }
  }
  const trailer = Buffer.alloc(2);
  trailer.writeInt16BE(-1);
  parts.push(trailer);
  return Buffer.concat(parts);
}

function int64(value: bigint): Buffer {
  const buffer = Buffer.alloc(8);
  buffer.writeBigInt64BE(value);
  return buffer;
}

const ROWS: (Buffer | null)[][] = [
  [Buffer.from('store-a'), Buffer.from([1]), int64(0n)],
  [Buffer.from('störe-b'), null, int64(-1n)],
  [Buffer.from(''), Buffer.from([0]), int64(727_985_602_479_220n)],
];

function decodeAll(chunks: Buffer[]): string[] {
  const seen: string[] = [];
  const decoder = new BinaryCopyDecoder(3, (buffer, starts, lengths) => {
    const text = buffer.toString('utf8', starts[0], starts[0] + lengths[0]);
    const flag = lengths[1] === -1 ? 'null' : String(buffer[starts[1]]);
    seen.push(`${text}|${flag}|${readInt64(buffer, starts[2])}`);
  });
  for (const chunk of chunks) decoder.push(chunk);
  decoder.end();
  expect(decoder.rowCount).toBe(seen.length);
  return seen;
}

const EXPECTED = ['store-a|1|0', 'störe-b|null|-1', '|0|727985602479220'];

describe('BinaryCopyDecoder', () => {
  it('decodes rows, NULLs and multi-byte text from one chunk', () => {
    expect(decodeAll([encodeCopy(ROWS)])).toEqual(EXPECTED);
  });

  it('gives the same rows wherever the stream is cut into two chunks', () => {
    const bytes = encodeCopy(ROWS);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(EXPECTED);
    }
  });

  it('gives the same rows when every byte arrives alone', () => {
    const bytes = encodeCopy(ROWS, Buffer.from('ext'));
    expect(decodeAll([...bytes].map((byte) => Buffer.from([byte])))).toEqual(EXPECTED);
  });

  it('rejects a stream that stops before its trailer', () => {
    const bytes = encodeCopy(ROWS);
    const decoder = new BinaryCopyDecoder(3, () => undefined);
    decoder.push(bytes.subarray(0, bytes.length - 2));
    expect(() => decoder.end()).toThrow('truncated');
  });

  it('rejects a row with another number of fields', () => {
    const decoder = new BinaryCopyDecoder(2, () => undefined);
    expect(() => decoder.push(encodeCopy(ROWS))).toThrow('expected 2 fields, got 3');
  });

  it('rejects something that is not binary COPY', () => {
    const decoder = new BinaryCopyDecoder(1, () => undefined);
    expect(() => decoder.push(Buffer.from('store_id\tstatus\n1\tactive\n'))).toThrow('bad signature');
  });
});

describe('readTimestampUs', () => {
  it.each([
    ['the PostgreSQL epoch', 0n, PG_EPOCH_US],
    ['a 2023 poll', 727_985_602_479_220n, Date.UTC(2023, 0, 25, 18, 13, 22, 479) * 1000 + 220],
    ['the Unix epoch (negative int64)', -946_684_800_000_000n, 0],
    ['one microsecond before the Unix epoch', -946_684_800_000_001n, -1],
  ])('reads %s exactly', (_label, stored, expected) => {
    expect(readTimestampUs(int64(stored), 0)).toBe(expected);
  });
});
