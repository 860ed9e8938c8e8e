/**
 * A streaming decoder for PostgreSQL's binary COPY format
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format").
 *
 * Why binary rather than text: a `timestamptz` travels as its exact int64 microseconds, so the
 * window loader needs no `extract(epoch …)` numeric arithmetic in SQL (slow on millions of rows)
 * and no timestamp parsing in Node; `bool`, `int2` and `time` come as a few bytes each.
 * pg-copy-streams hands over raw chunks; rows may span chunk boundaries, which this handles.
 */

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER_FIXED_LENGTH = SIGNATURE.length + 8; // signature, flags int32, extension length int32

/** Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01 (timestamps are stored relative to it). */
export const PG_EPOCH_US = 946_684_800_000_000;

/**
 * Called once per row. Field `i` is `buffer[starts[i] .. starts[i] + lengths[i])`, or NULL when
 * `lengths[i]` is -1. The arrays and the buffer are reused: read what you need before returning.
 */
export type BinaryRowHandler = (buffer: Buffer, starts: Int32Array, lengths: Int32Array) => void;

export class BinaryCopyDecoder {
  private pending: Buffer | null = null;
  private headerDone = false;
  private finished = false;
  private rows = 0;
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;

  constructor(
    private readonly fieldCount: number,
    private readonly onRow: BinaryRowHandler,
  ) {
    this.starts = new Int32Array(fieldCount);
    this.lengths = new Int32Array(fieldCount);
  }

  get rowCount(): number {
    return this.rows;
  }

  /** Decodes every complete row in `chunk` (plus what was left over from earlier chunks). */
  push(chunk: Buffer): void {
    if (this.finished) {
      if (chunk.length > 0) throw new Error('binary COPY: data after the trailer');
      return;
    }
    const buffer = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let offset = this.headerDone ? 0 : this.readHeader(buffer);
    if (offset < 0) {
      this.pending = buffer;
      return;
    }
    this.headerDone = true;
    const end = buffer.length;
    const { starts, lengths, fieldCount } = this;
    for (;;) {
      if (offset + 2 > end) break;
      // Hand-rolled big-endian reads: Buffer#readInt32BE's argument checks cost more than the
      // read itself at millions of fields.
      const count = ((buffer[offset] << 24) >> 16) | buffer[offset + 1];
      if (count === -1) {
        this.finished = true;
        offset += 2;
        break;
      }
      if (count !== fieldCount) throw new Error(`binary COPY: expected ${fieldCount} fields, got ${count}`);
      let cursor = offset + 2;
      let field = 0;
      for (; field < fieldCount; field++) {
        if (cursor + 4 > end) break;
        const length =
          (buffer[cursor] << 24) | (buffer[cursor + 1] << 16) | (buffer[cursor + 2] << 8) | buffer[cursor + 3];
        cursor += 4;
        starts[field] = cursor;
        lengths[field] = length;
        if (length > 0) cursor += length;
        if (cursor > end) break;
      }
      if (field < fieldCount) break;
      this.onRow(buffer, starts, lengths);
      this.rows++;
      offset = cursor;
    }
    this.pending = offset < end ? buffer.subarray(offset) : null;
    if (this.finished && this.pending) throw new Error('binary COPY: data after the trailer');
  }

  /** Throws unless the stream ended exactly after its trailer. */
  end(): void {
    if (!this.finished) throw new Error('binary COPY: stream ended before its trailer (truncated)');
  }

  /** Offset of the first row, or -1 when the header is not complete yet. */
  private readHeader(buffer: Buffer): number {
    if (buffer.length < HEADER_FIXED_LENGTH) return -1;
    if (!buffer.subarray(0, SIGNATURE.length).equals(SIGNATURE)) throw new Error('binary COPY: bad signature');
    const extensionLength = buffer.readInt32BE(SIGNATURE.length + 4);
    const first = HEADER_FIXED_LENGTH + extensionLength;
    return buffer.length < first ? -1 : first;
  }
}

/** A binary int64 field (`timestamptz`, `time`, `bigint`) as a double; exact below 2^53. */
export function readInt64(buffer: Buffer, start: number): number {
  const high = (buffer[start] << 24) | (buffer[start + 1] << 16) | (buffer[start + 2] << 8) | buffer[start + 3];
  const low = buffer[start + 4] * 0x1000000 + ((buffer[start + 5] << 16) | (buffer[start + 6] << 8) | buffer[start + 7]);
  return high * 4294967296 + low;
}

/** A binary `timestamptz` field as epoch microseconds. */
export function readTimestampUs(buffer: Buffer, start: number): number {
  return readInt64(buffer, start) + PG_EPOCH_US;
}
