import { EncodedPollColumnsBuilder, parseStatus, parseTimestampUtc, SkipReason, TimestampReader } from '@store-uptime/uptime';
import type { CsvScanner } from './csv-scanner';

const ACTIVE = Buffer.from('active');
const INACTIVE = Buffer.from('inactive');
const SPACE = 0x20;

/** The ASCII characters String#trim removes: tab, LF, VT, FF, CR, space. */
function isAsciiSpace(byte: number): boolean {
  return byte === SPACE || (byte >= 0x09 && byte <= 0x0d);
}

/**
 * Decodes the three poll fields straight from bytes: the hot path of the CSV command (1.8 M rows).
 * - Store ids are interned by their bytes, so each distinct id becomes a string once (14 k strings
 *   instead of 1.8 M), and rows carry its code (a DictionaryColumn), which the engine groups by.
 * - `active` / `inactive` and timestamps of the canonical form `YYYY-MM-DD HH:MM:SS[.f…] UTC` are
 *   read from the bytes; anything else (other case, spaces, `T`, `Z`, quoting) goes through the
 *   string parsers of @store-uptime/uptime, so both paths accept exactly the same rows.
 */
export class PollFieldDecoder {
  private readonly builder = new EncodedPollColumnsBuilder();
  private readonly storeIds = new ByteStringInterner();
  private readonly timestamps = new TimestampReader();

  /** Appends the row and returns null, or returns why it is skipped. */
  decode(buffer: Buffer, scanner: CsvScanner, storeField: number, statusField: number, timestampField: number): SkipReason | null {
    const storeCode =
      scanner.fieldQuoting[storeField] === 2
        ? this.storeIds.codeOfText(scanner.text(buffer, storeField).trim())
        : this.storeIds.codeOf(buffer, scanner.fieldStart[storeField], scanner.fieldEnd[storeField]);
    if (this.storeIds.isEmpty(storeCode)) return SkipReason.emptyStoreId;
    const status = this.status(buffer, scanner, statusField);
    if (status < 0) return SkipReason.badStatus;
    const timestamp = this.timestamp(buffer, scanner, timestampField);
    if (Number.isNaN(timestamp)) return SkipReason.badTimestamp;
    this.builder.push(storeCode, status, timestamp);
    return null;
  }

  columns() {
    return this.builder.build(this.storeIds.strings);
  }

  private status(buffer: Buffer, scanner: CsvScanner, field: number): number {
    const start = scanner.fieldStart[field];
    const length = scanner.fieldEnd[field] - start;
    // Byte loops, not Buffer#compare: its argument checks cost more than the six or eight bytes.
    if (length === ACTIVE.length && sameAscii(buffer, start, ACTIVE)) return 1;
    if (length === INACTIVE.length && sameAscii(buffer, start, INACTIVE)) return 0;
    return parseStatus(scanner.text(buffer, field));
  }

  private timestamp(buffer: Buffer, scanner: CsvScanner, field: number): number {
    const fast = this.timestamps.canonical(buffer, scanner.fieldStart[field], scanner.fieldEnd[field]);
    return Number.isNaN(fast) ? parseTimestampUtc(scanner.text(buffer, field)) : fast;
  }
}

function sameAscii(buffer: Buffer, start: number, expected: Uint8Array): boolean {
  for (let i = 0; i < expected.length; i++) if (buffer[start + i] !== expected[i]) return false;
  return true;
}

/**
 * Gives each distinct string (trimmed as String#trim does) one code, looking byte ranges up in an
 * open-addressing table keyed by an FNV-1a hash, so a known id costs no string at all. Known
 * contents live in one byte pool, so a lookup compares against contiguous memory. Strings that
 * arrive as text (quoted with doubled quotes, or with non-ASCII edges) go through a Map, and the byte
 * table aliases to the same code, so every path agrees on one code per id.
 */
export class ByteStringInterner {
  /** `strings[code]`: distinct, the dictionary of a DictionaryColumn. */
  readonly strings: string[] = [];
  private readonly codeByText = new Map<string, number>();
  private slots = new Int32Array(1 << 15).fill(-1);
  private hashes = new Int32Array(1024);
  private codes = new Int32Array(1024);
  /** Byte entry e's bytes are `pool[offsets[e] .. offsets[e + 1])`; it stands for `codes[e]`. */
  private offsets = new Int32Array(1025);
  private pool = new Uint8Array(1 << 16);
  private entries = 0;

  isEmpty(code: number): boolean {
    return this.strings[code] === '';
  }

  codeOfText(text: string): number {
    let code = this.codeByText.get(text);
    if (code === undefined) {
      code = this.strings.length;
      this.strings.push(text);
      this.codeByText.set(text, code);
    }
    return code;
  }

  codeOf(buffer: Buffer, start: number, end: number): number {
    while (start < end && isAsciiSpace(buffer[start])) start++;
    while (end > start && isAsciiSpace(buffer[end - 1])) end--;
    if (end > start && (buffer[start] >= 0x80 || buffer[end - 1] >= 0x80)) {
      // May begin or end with Unicode white space: trim as String#trim does, like every other reader.
      return this.codeOfText(buffer.toString('utf8', start, end).trim());
    }
    const length = end - start;
    let hash = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buffer[i], 0x01000193);
    // Locals, not fields, inside the loop: V8 does not hoist the loads by itself here (~20 % faster).
    const { slots, hashes, offsets, pool } = this;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (;;) {
      const entry = slots[slot];
      if (entry < 0) break;
      if (hashes[entry] === hash && offsets[entry + 1] - offsets[entry] === length) {
        const offset = offsets[entry];
        let i = 0;
        while (i < length && pool[offset + i] === buffer[start + i]) i++;
        if (i === length) return this.codes[entry];
      }
      slot = (slot + 1) & mask;
    }
    const code = this.codeOfText(buffer.toString('utf8', start, end));
    this.addBytes(buffer, start, end, hash, slot, code);
    return code;
  }

  private addBytes(buffer: Buffer, start: number, end: number, hash: number, slot: number, code: number): void {
    const entry = this.entries++;
    if (entry + 2 > this.hashes.length) {
      this.hashes = grown(this.hashes, this.hashes.length * 2);
      this.codes = grown(this.codes, this.codes.length * 2);
      this.offsets = grown(this.offsets, this.offsets.length * 2);
    }
    const offset = this.offsets[entry];
    if (offset + end - start > this.pool.length) this.pool = grown(this.pool, Math.max(this.pool.length * 2, offset + end - start));
    this.pool.set(buffer.subarray(start, end), offset);
    this.offsets[entry + 1] = offset + end - start;
    this.hashes[entry] = hash;
    this.codes[entry] = code;
    this.slots[slot] = entry;
    if (this.entries * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    for (let entry = 0; entry < this.entries; entry++) {
      let slot = this.hashes[entry] & mask;
      while (this.slots[slot] >= 0) slot = (slot + 1) & mask;
      this.slots[slot] = entry;
    }
  }
}

function grown<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (size: number) => T)(size);
  bigger.set(array);
  return bigger;
}
