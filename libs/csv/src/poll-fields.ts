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
 * open-addressing table keyed by an FNV-1a hash, so a known id costs no string at all. Strings that
 * arrive as text (quoted with doubled quotes, or with non-ASCII edges) go through a Map, and the
 * byte table aliases to the same code, so every path agrees on one code per id.
 *
 * Each slot holds everything a lookup needs (hash, the entry's place and length in the byte pool,
 * its code) in 16 adjacent bytes, so a hit costs two cache lines: the slot and the bytes. With the
 * hash, offsets and codes in separate arrays a lookup touched five, which was free while the table
 * fitted in the CPU caches (14 k stores) and made interning the largest super-linear cost of the
 * CSV command at 141 k stores, where the table no longer does (docs/scaling.md).
 */
export class ByteStringInterner {
  /** `strings[code]`: distinct, the dictionary of a DictionaryColumn. */
  readonly strings: string[] = [];
  private readonly codeByText = new Map<string, number>();
  /** SLOT_INTS ints per slot: hash, pool offset, byte length, code; an empty slot has length -1. */
  private slots = emptySlots(1 << 15);
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
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
    const { slots, pool } = this;
    const mask = slots.length / SLOT_INTS - 1;
    let slot = (hash & mask) * SLOT_INTS;
    for (;;) {
      const slotLength = slots[slot + 2];
      if (slotLength < 0) break;
      if (slots[slot] === hash && slotLength === length) {
        const offset = slots[slot + 1];
        let i = 0;
        while (i < length && pool[offset + i] === buffer[start + i]) i++;
        if (i === length) return slots[slot + 3];
      }
      slot = (slot + SLOT_INTS) & (slots.length - 1);
    }
    const code = this.codeOfText(buffer.toString('utf8', start, end));
    this.addBytes(buffer, start, end, hash, slot, code);
    return code;
  }

  private addBytes(buffer: Buffer, start: number, end: number, hash: number, slot: number, code: number): void {
    const offset = this.poolUsed;
    if (offset + end - start > this.pool.length) this.pool = grown(this.pool, Math.max(this.pool.length * 2, offset + end - start));
    this.pool.set(buffer.subarray(start, end), offset);
    this.poolUsed = offset + end - start;
    this.slots[slot] = hash;
    this.slots[slot + 1] = offset;
    this.slots[slot + 2] = end - start;
    this.slots[slot + 3] = code;
    if (++this.entries * 2 > this.slots.length / SLOT_INTS) this.rehash();
  }

  private rehash(): void {
    const old = this.slots;
    const slots = emptySlots((old.length / SLOT_INTS) * 2);
    const mask = slots.length / SLOT_INTS - 1;
    for (let from = 0; from < old.length; from += SLOT_INTS) {
      if (old[from + 2] < 0) continue;
      let to = (old[from] & mask) * SLOT_INTS;
      while (slots[to + 2] >= 0) to = (to + SLOT_INTS) & (slots.length - 1);
      slots.set(old.subarray(from, from + SLOT_INTS), to);
    }
    this.slots = slots;
  }
}

const SLOT_INTS = 4;

function emptySlots(count: number): Int32Array {
  const slots = new Int32Array(count * SLOT_INTS);
  for (let slot = 2; slot < slots.length; slot += SLOT_INTS) slots[slot] = -1;
  return slots;
}

function grown<T extends Int32Array | Uint8Array>(array: T, size: number): T {
  const bigger = new (array.constructor as new (size: number) => T)(size);
  bigger.set(array);
  return bigger;
}
