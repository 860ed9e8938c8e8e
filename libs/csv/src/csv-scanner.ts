const COMMA = 0x2c;
const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * An RFC 4180 record scanner over raw bytes that reports each record's fields as byte ranges.
 *
 * Hand-written rather than fast-csv because the poll file is the engine's hot path: fast-csv takes
 * 5.6 s for the full-scale file where a bare gunzip + line split takes 0.85 s, and the whole report
 * must stay within ~2.5 s. Working on byte ranges lets callers decode fields without building a
 * string per field (see poll-file.ts). It still reads every valid CSV: quoted fields with commas,
 * doubled quotes and line breaks, CRLF or LF, no final newline. Blank lines are skipped.
 */
export class CsvScanner {
  /** Field i of the current record is bytes `[fieldStart[i], fieldEnd[i])` of the buffer. */
  fieldStart = new Int32Array(64);
  fieldEnd = new Int32Array(64);
  /** 0 unquoted, 1 quoted, 2 quoted with doubled quotes inside (needs unescaping). */
  fieldQuoting = new Uint8Array(64);
  fieldCount = 0;
  /** The 1-based line the current record starts on (line 1 is the header). */
  recordLine = 0;
  recordStart = 0;
  recordEnd = 0;
  private line = 1;

  /**
   * Scans complete records of `buffer` from `from`, calling `onRecord` for each, and returns where
   * the first incomplete record starts (call again with more bytes prepended from there). With
   * `atEnd`, the rest of the buffer is the last record even without a final newline.
   */
  scan(buffer: Buffer, from: number, atEnd: boolean, onRecord: () => void): number {
    const length = buffer.length;
    let pos = from;
    while (pos < length) {
      const recordStart = pos;
      let sawQuote = false;
      this.fieldCount = 0;
      for (;;) {
        if (pos < length && buffer[pos] === QUOTE) {
          sawQuote = true;
          let search = pos + 1;
          let quoting = 1;
          let close = -1;
          for (;;) {
            const quote = buffer.indexOf(QUOTE, search);
            if (quote === -1) break;
            if (quote + 1 < length && buffer[quote + 1] === QUOTE) {
              quoting = 2;
              search = quote + 2;
              continue;
            }
            if (quote + 1 >= length && !atEnd) break; // a doubled quote may start the next chunk
            close = quote;
            break;
          }
          if (close === -1) {
            if (!atEnd) return recordStart;
            close = length; // an unterminated quote at the end of the file runs to the end
          }
          this.pushField(pos + 1, close, quoting);
          pos = close + 1;
          // Bytes between a closing quote and the delimiter are not valid CSV; they are dropped.
          while (pos < length && buffer[pos] !== COMMA && buffer[pos] !== LF) pos++;
        } else {
          let end = pos;
          while (end < length && buffer[end] !== COMMA && buffer[end] !== LF) end++;
          if (end >= length && !atEnd) return recordStart;
          const trimmed = end > pos && buffer[end - 1] === CR ? end - 1 : end;
          this.pushField(pos, trimmed, 0);
          pos = end;
        }
        if (pos < length && buffer[pos] === COMMA) {
          pos++;
          continue;
        }
        if (pos >= length && !atEnd) return recordStart;
        break;
      }
      const recordEnd = pos;
      if (pos < length) pos++; // the LF
      this.recordLine = this.line;
      this.line += sawQuote ? countLineBreaks(buffer, recordStart, pos) : 1;
      if (this.fieldCount === 1 && this.fieldEnd[0] === this.fieldStart[0] && this.fieldQuoting[0] === 0) continue;
      this.recordStart = recordStart;
      this.recordEnd = recordEnd;
      onRecord();
    }
    return pos;
  }

  /** Field i as a string (quotes removed, doubled quotes undone). */
  text(buffer: Buffer, i: number): string {
    const raw = buffer.toString('utf8', this.fieldStart[i], this.fieldEnd[i]);
    return this.fieldQuoting[i] === 2 ? raw.replace(/""/g, '"') : raw;
  }

  /** All fields of the current record as strings. */
  texts(buffer: Buffer): string[] {
    const fields = new Array<string>(this.fieldCount);
    for (let i = 0; i < this.fieldCount; i++) fields[i] = this.text(buffer, i);
    return fields;
  }

  /** The current record's raw text, for reports of skipped rows. */
  rawText(buffer: Buffer, maxLength = 200): string {
    const text = buffer.toString('utf8', this.recordStart, Math.min(this.recordEnd, this.recordStart + maxLength * 4));
    return text.replace(/\r$/, '').slice(0, maxLength);
  }

  private pushField(start: number, end: number, quoting: number): void {
    if (this.fieldCount === this.fieldStart.length) this.growFields();
    this.fieldStart[this.fieldCount] = start;
    this.fieldEnd[this.fieldCount] = end;
    this.fieldQuoting[this.fieldCount] = quoting;
    this.fieldCount++;
  }

  private growFields(): void {
    const size = this.fieldStart.length * 2;
    const grow = <T extends Int32Array | Uint8Array>(from: T, to: T): T => (to.set(from), to);
    this.fieldStart = grow(this.fieldStart, new Int32Array(size));
    this.fieldEnd = grow(this.fieldEnd, new Int32Array(size));
    this.fieldQuoting = grow(this.fieldQuoting, new Uint8Array(size));
  }
}

function countLineBreaks(buffer: Buffer, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (buffer[i] === LF) count++;
  return Math.max(count, 1);
}

/**
 * Feeds chunks of a file through a scanner, carrying a partial record over to the next chunk, and
 * strips a UTF-8 byte-order mark at the start of the file.
 */
export class ChunkFeeder {
  private pending: Buffer | null = null;
  private atStart = true;
  /**
   * Where a partial record and the next chunk are joined, reused for every chunk: a new buffer per
   * chunk (Buffer.concat) allocated as many bytes as the file holds, 1 GB for the 10× polls, and
   * the collector ran a full collection every ~150 ms to give that memory back.
   */
  private joined = Buffer.alloc(0);

  constructor(readonly scanner: CsvScanner) {}

  push(chunk: Buffer, onRecord: (buffer: Buffer) => void): void {
    let buffer = chunk;
    if (this.pending) {
      const size = this.pending.length + chunk.length;
      if (this.joined.length < size) this.joined = Buffer.allocUnsafe(Math.max(size, this.joined.length * 2));
      this.pending.copy(this.joined, 0);
      chunk.copy(this.joined, this.pending.length);
      buffer = this.joined.subarray(0, size);
    }
    if (this.atStart) {
      if (buffer.length < 3) {
        this.pending = buffer;
        return;
      }
      this.atStart = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
    }
    const rest = this.scanner.scan(buffer, 0, false, () => onRecord(buffer));
    // A copy: the partial record may sit in `joined`, which the next push overwrites.
    this.pending = rest < buffer.length ? Buffer.from(buffer.subarray(rest)) : null;
  }

  end(onRecord: (buffer: Buffer) => void): void {
    let buffer = this.pending;
    this.pending = null;
    if (!buffer) return;
    if (this.atStart && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) buffer = buffer.subarray(3);
    const last = buffer;
    this.scanner.scan(last, 0, true, () => onRecord(last));
  }
}

export async function scanChunks(chunks: AsyncIterable<Buffer>, scanner: CsvScanner, onRecord: (buffer: Buffer) => void): Promise<void> {
  const feeder = new ChunkFeeder(scanner);
  for await (const chunk of chunks) feeder.push(chunk, onRecord);
  feeder.end(onRecord);
}
