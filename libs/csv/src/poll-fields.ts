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
 *   Rows wait in batches of BATCH_ROWS so that their ids are looked up together (ByteStringInterner).
 * - `active` / `inactive` and timestamps of the canonical form `YYYY-MM-DD HH:MM:SS[.f…] UTC` are
 *   read from the bytes; anything else (other case, spaces, `T`, `Z`, quoting) goes through the
 *   string parsers of @store-uptime/uptime, so both paths accept exactly the same rows.
 */
export class PollFieldDecoder {
  private readonly builder = new EncodedPollColumnsBuilder();
  private readonly storeIds = new ByteStringInterner();
  private readonly timestamps = new TimestampReader();
  private readonly batch = new InternBatch(BATCH_ROWS);
  private readonly batchActive = new Uint8Array(BATCH_ROWS);
  private readonly batchTimestamps = new Float64Array(BATCH_ROWS);

  /** Appends the row (once its batch is resolved) and returns null, or returns why it is skipped. */
  decode(buffer: Buffer, scanner: CsvScanner, storeField: number, statusField: number, timestampField: number): SkipReason | null {
    const { batch, storeIds } = this;
    const row = batch.count;
    const hasStore =
      scanner.fieldQuoting[storeField] === 2
        ? storeIds.addTextToBatch(batch, scanner.text(buffer, storeField))
        : storeIds.addToBatch(batch, buffer, scanner.fieldStart[storeField], scanner.fieldEnd[storeField]);
    if (!hasStore) return SkipReason.emptyStoreId;
    const status = this.status(buffer, scanner, statusField);
    if (status < 0 || !this.timestampInto(buffer, scanner, timestampField, row)) {
      batch.dropLast();
      return status < 0 ? SkipReason.badStatus : SkipReason.badTimestamp;
    }
    this.batchActive[row] = status;
    if (batch.isFull) this.flush();
    return null;
  }

  columns() {
    this.flush();
    return this.builder.build(this.storeIds.strings);
  }

  private flush(): void {
    const { batch, builder } = this;
    this.storeIds.resolveBatch(batch);
    builder.pushRows(batch.codes, this.batchActive, this.batchTimestamps, batch.count);
    batch.clear();
  }

  private status(buffer: Buffer, scanner: CsvScanner, field: number): number {
    const start = scanner.fieldStart[field];
    const length = scanner.fieldEnd[field] - start;
    // Byte loops, not Buffer#compare: its argument checks cost more than the six or eight bytes.
    if (length === ACTIVE.length && sameAscii(buffer, start, ACTIVE)) return 1;
    if (length === INACTIVE.length && sameAscii(buffer, start, INACTIVE)) return 0;
    return parseStatus(scanner.text(buffer, field));
  }

  /** The field's time into the batch's row; false if it is not one. Written, not returned: see TimestampReader.result. */
  private timestampInto(buffer: Buffer, scanner: CsvScanner, field: number, row: number): boolean {
    if (this.timestamps.canonicalInto(buffer, scanner.fieldStart[field], scanner.fieldEnd[field], this.batchTimestamps, row)) return true;
    const micros = parseTimestampUtc(scanner.text(buffer, field));
    this.batchTimestamps[row] = micros;
    return !Number.isNaN(micros);
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
 * its code) in 16 adjacent bytes, so a hit costs two cache lines: the slot and the bytes. At the
 * 10× fleet (141 k stores) the table and pool no longer stay in the CPU caches while a 1 GB file
 * streams past, and each of those lines is a wait for memory: one lookup at a time, interning was
 * the largest super-linear cost of the CSV command (docs/scaling.md). Hence `addToBatch` and
 * `resolveBatch`: a few hundred lookups at once, in passes that first load every slot, then every
 * entry's bytes, then compare, so the CPU waits for the loads of many ids together.
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
  /** The range `trim` leaves, when it returns true. */
  private trimmedStart = 0;
  private trimmedEnd = 0;

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
    if (!this.trim(buffer, start, end)) return this.codeOfText(buffer.toString('utf8', start, end).trim());
    ({ trimmedStart: start, trimmedEnd: end } = this);
    return this.find(buffer, start, end, hashOf(buffer, start, end));
  }

  /**
   * Adds the string of `buffer[start, end)` to the batch, whose `codes` get its code at
   * `resolveBatch` (or at once, when it is not plain bytes). False, adding nothing, if it trims to ''.
   */
  addToBatch(batch: InternBatch, buffer: Buffer, start: number, end: number): boolean {
    if (!this.trim(buffer, start, end)) return this.addTextToBatch(batch, buffer.toString('utf8', start, end));
    if (this.trimmedStart === this.trimmedEnd) return false;
    batch.addBytes(buffer, this.trimmedStart, this.trimmedEnd);
    return true;
  }

  /** Like addToBatch, for a string that arrives as text: its code is known at once. */
  addTextToBatch(batch: InternBatch, text: string): boolean {
    const code = this.codeOfText(text.trim());
    if (this.isEmpty(code)) return false;
    batch.addCode(code);
    return true;
  }

  /** Gives every string of the batch its code (`batch.codes[0 .. batch.count)`). */
  resolveBatch(batch: InternBatch): void {
    const { count, codes, hashes, offsets, bytes } = batch;
    const { slots, pool } = this;
    // The loads whose values are not needed yet: each pass waits for memory once, for all ids. A
    // table that still fits the core's own cache gains nothing from them (1×: ~15 ns an id lost;
    // 10×: ~130 ns an id saved, measured over the ids of the generated files).
    if (slots.byteLength + this.poolUsed > CACHE_RESIDENT_BYTES) {
      const mask = slots.length / SLOT_INTS - 1;
      let touched = 0;
      for (let i = 0; i < count; i++) touched += slots[(hashes[i] & mask) * SLOT_INTS + 1];
      for (let i = 0; i < count; i++) touched += pool[slots[(hashes[i] & mask) * SLOT_INTS + 1]];
      batch.touched = touched; // kept, so the compiler cannot drop the passes
    }
    for (let i = 0; i < count; i++) if (codes[i] < 0) codes[i] = this.find(bytes, offsets[i], offsets[i + 1], hashes[i]);
  }

  /** Sets trimmedStart/End to the range without ASCII white space; false if an edge is non-ASCII. */
  private trim(buffer: Uint8Array, start: number, end: number): boolean {
    while (start < end && isAsciiSpace(buffer[start])) start++;
    while (end > start && isAsciiSpace(buffer[end - 1])) end--;
    // May begin or end with Unicode white space: the caller trims as String#trim does, like every other reader.
    if (end > start && (buffer[start] >= 0x80 || buffer[end - 1] >= 0x80)) return false;
    this.trimmedStart = start;
    this.trimmedEnd = end;
    return true;
  }

  private find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    const length = end - start;
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
        while (i < length && pool[offset + i] === bytes[start + i]) i++;
        if (i === length) return slots[slot + 3];
      }
      slot = (slot + SLOT_INTS) & (slots.length - 1);
    }
    const code = this.codeOfText(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8', start, end));
    this.addBytes(bytes, start, end, hash, slot, code);
    return code;
  }

  private addBytes(bytes: Uint8Array, start: number, end: number, hash: number, slot: number, code: number): void {
    const offset = this.poolUsed;
    if (offset + end - start > this.pool.length) this.pool = grown(this.pool, Math.max(this.pool.length * 2, offset + end - start));
    this.pool.set(bytes.subarray(start, end), offset);
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

/**
 * Strings waiting for their codes (ByteStringInterner.addToBatch, resolveBatch): their bytes are
 * copied here, so the buffer they came from may be reused before the batch is resolved.
 */
export class InternBatch {
  count = 0;
  /** A string's code, or -1 until the batch is resolved. */
  readonly codes: Int32Array;
  readonly hashes: Int32Array;
  /** String i is `bytes[offsets[i], offsets[i + 1])`. */
  readonly offsets: Int32Array;
  bytes = new Uint8Array(1 << 13);
  touched = 0;

  constructor(readonly capacity: number) {
    this.codes = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.offsets = new Int32Array(capacity + 1);
  }

  get isFull(): boolean {
    return this.count === this.capacity;
  }

  clear(): void {
    this.count = 0;
  }

  dropLast(): void {
    this.count--;
  }

  addCode(code: number): void {
    this.offsets[this.count + 1] = this.offsets[this.count];
    this.codes[this.count++] = code;
  }

  /** Copies the bytes and hashes them in the same loop, while they are in the cache anyway. */
  addBytes(buffer: Uint8Array, start: number, end: number): void {
    const offset = this.offsets[this.count];
    if (offset + end - start > this.bytes.length) this.bytes = grown(this.bytes, Math.max(this.bytes.length * 2, offset + end - start));
    const bytes = this.bytes;
    let hash = FNV_OFFSET_BASIS;
    for (let i = start, to = offset; i < end; i++, to++) {
      const byte = buffer[i];
      bytes[to] = byte;
      hash = Math.imul(hash ^ byte, FNV_PRIME);
    }
    this.hashes[this.count] = hash;
    this.offsets[this.count + 1] = offset + end - start;
    this.codes[this.count++] = -1;
  }
}

/** 32-bit FNV-1a. */
function hashOf(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET_BASIS;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
  return hash;
}

const FNV_OFFSET_BASIS = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const SLOT_INTS = 4;
/** Enough lookups at once to wait for memory together; few enough that a batch's slots stay in the L1 cache. */
const BATCH_ROWS = 256;
/** About a core's L2 cache: a table and pool this small are looked up without the loading passes. */
const CACHE_RESIDENT_BYTES = 1 << 20;

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
