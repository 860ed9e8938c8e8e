import { PG_EPOCH_US } from '../copy-binary';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const INITIAL_CAPACITY = 1 << 20;

/**
 * Builds PostgreSQL binary COPY data (https://www.postgresql.org/docs/current/sql-copy.html,
 * "Binary Format") row by row into one growing buffer, handed out in chunks.
 *
 * Binary rather than text because PostgreSQL then stores the timestamps and times we already
 * parsed (int64 microseconds) instead of parsing 1.8 M timestamp strings again, and no field
 * needs escaping. Text values must not contain NUL (PostgreSQL refuses it); callers check.
 */
export class BinaryCopyWriter {
  private buffer = Buffer.allocUnsafe(INITIAL_CAPACITY);
  private length = 0;

  constructor() {
    this.reserve(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buffer, 0);
    this.buffer.writeInt32BE(0, SIGNATURE.length); // flags: no OIDs
    this.buffer.writeInt32BE(0, SIGNATURE.length + 4); // no header extension
    this.length = SIGNATURE.length + 8;
  }

  get byteLength(): number {
    return this.length;
  }

  beginRow(fieldCount: number): void {
    this.reserve(2);
    this.putInt16(fieldCount);
  }

  text(value: string): void {
    const length = value.length;
    // A UTF-16 code unit is at most 3 UTF-8 bytes.
    this.reserve(4 + length * 3);
    const buffer = this.buffer;
    const start = this.length + 4;
    // Store ids and zone names are ASCII in practice: copy the bytes in a loop, which for short
    // strings beats Buffer#write's per-call overhead; fall back to it for anything else.
    let i = 0;
    for (; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) break;
      buffer[start + i] = code;
    }
    const written = i === length ? length : buffer.write(value, start, 'utf8');
    this.putInt32(written);
    this.length += written;
  }

  /** A text field from UTF-8 bytes already encoded (`bytes[start .. end)`), copied as they are. */
  utf8(bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    this.reserve(4 + length);
    this.putInt32(length);
    this.buffer.set(bytes.subarray(start, end), this.length);
    this.length += length;
  }

  /** A `double precision` field. */
  float64(value: number): void {
    this.reserve(12);
    this.putInt32(8);
    this.buffer.writeDoubleBE(value, this.length);
    this.length += 8;
  }

  int16(value: number): void {
    this.reserve(6);
    this.putInt32(2);
    this.putInt16(value);
  }

  /** An int64 field from a double holding an exact integer (|value| < 2^53). */
  int64(value: number): void {
    this.reserve(12);
    this.putInt32(8);
    const high = Math.floor(value / 4294967296);
    this.putInt32(high);
    this.putInt32((value - high * 4294967296) | 0);
  }

  /** Epoch microseconds as `timestamptz` (stored as microseconds since 2000-01-01). */
  timestamp(epochMicros: number): void {
    this.int64(epochMicros - PG_EPOCH_US);
  }

  /** Microseconds since midnight as `time`. */
  timeOfDay(micros: number): void {
    this.int64(micros);
  }

  /** The bytes written since the last take; the writer continues in a fresh buffer. */
  take(): Buffer {
    const chunk = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(Math.max(INITIAL_CAPACITY, this.buffer.length));
    this.length = 0;
    return chunk;
  }

  /** Appends the end-of-data trailer and returns the rest. */
  finish(): Buffer {
    this.reserve(2);
    this.buffer.writeInt16BE(-1, this.length);
    this.length += 2;
    return this.take();
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  // Hand-rolled big-endian writes (room already reserved): Buffer#writeInt32BE's argument checks
  // cost more than the write at millions of fields.
  private putInt32(value: number): void {
    const buffer = this.buffer;
    const at = this.length;
    buffer[at] = value >>> 24;
    buffer[at + 1] = value >>> 16;
    buffer[at + 2] = value >>> 8;
    buffer[at + 3] = value;
    this.length = at + 4;
  }

  private putInt16(value: number): void {
    this.buffer[this.length] = value >>> 8;
    this.buffer[this.length + 1] = value;
    this.length += 2;
  }
}
