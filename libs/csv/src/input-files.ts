import {
  type HoursColumns,
  type PollColumns,
  type TimezoneColumns,
  parseDayOfWeek,
  parseLocalTime,
  SkipReason,
} from '@store-uptime/uptime';
import { readFileBytes } from './byte-source';
import { ChunkFeeder, CsvScanner, scanChunks } from './csv-scanner';
import { InputFileError } from './input-file-error';
import { ByteStringInterner, PollFieldDecoder } from './poll-fields';

/** What a reader saw: data rows (header excluded), rows skipped by reason, and the first few skips. */
export interface ReadStats {
  rowsRead: number;
  skipped: Partial<Record<SkipReason, number>>;
  firstSkips: SkippedRow[];
}

export interface SkippedRow {
  line: number;
  reason: SkipReason;
  text: string;
}

export interface ReadResult<Columns> extends ReadStats {
  columns: Columns;
}

const MAX_SKIP_SAMPLES = 10;

/** Column names each file needs; alternatives in order of preference. */
export const INPUT_HEADERS = {
  polls: { storeId: ['store_id'], status: ['status'], timestamp: ['timestamp_utc'] },
  hours: {
    storeId: ['store_id'],
    dayOfWeek: ['dayOfWeek', 'day', 'day_of_week'],
    start: ['start_time_local'],
    end: ['end_time_local'],
  },
  timezones: { storeId: ['store_id'], timezone: ['timezone_str'] },
} as const;

type HeaderSpec = Record<string, readonly string[]>;

/** Maps each needed column to its index in a header row, or throws naming what is missing. */
export function resolveHeader<S extends HeaderSpec>(path: string, header: string[], spec: S): { [K in keyof S]: number } {
  const names = header.map((name) => name.trim().toLowerCase());
  const indices = {} as { [K in keyof S]: number };
  const missing: string[] = [];
  for (const key of Object.keys(spec) as (keyof S)[]) {
    const index = spec[key].map((name) => names.indexOf(name.toLowerCase())).find((i) => i >= 0);
    if (index === undefined) missing.push(spec[key].join(' or '));
    else indices[key] = index;
  }
  if (missing.length > 0) {
    throw new InputFileError(path, `unreadable header "${header.join(',').slice(0, 120)}": missing column ${missing.join(', ')}`);
  }
  return indices;
}

/** Counts skipped rows and keeps the first few, with their line numbers, for the user to see. */
class SkipCounter {
  readonly stats: ReadStats = { rowsRead: 0, skipped: {}, firstSkips: [] };

  skip(reason: SkipReason, line: number, text: () => string): void {
    this.stats.skipped[reason] = (this.stats.skipped[reason] ?? 0) + 1;
    if (this.stats.firstSkips.length < MAX_SKIP_SAMPLES) this.stats.firstSkips.push({ line, reason, text: text() });
  }
}

/**
 * Reads a CSV file record by record: the header goes to `onHeader` (which returns the per-record
 * handler), every other record to that handler. An empty file has no header and is an error.
 */
async function readRecords(path: string, onHeader: (header: string[]) => (buffer: Buffer, scanner: CsvScanner) => void): Promise<void> {
  const scanner = new CsvScanner();
  let onRecord: ((buffer: Buffer, scanner: CsvScanner) => void) | null = null;
  await scanChunks(readFileBytes(path), scanner, (buffer) => {
    if (onRecord) onRecord(buffer, scanner);
    else onRecord = onHeader(scanner.texts(buffer));
  });
  if (!onRecord) throw new InputFileError(path, 'empty file: no header');
}

/** Store status polls: `store_id,status,timestamp_utc` in any column order. */
export async function readPollsFile(path: string): Promise<ReadResult<PollColumns>> {
  const counter = new SkipCounter();
  const decoder = new PollFieldDecoder();
  await readRecords(path, (header) => {
    const column = resolveHeader(path, header, INPUT_HEADERS.polls);
    const width = header.length;
    return (buffer, scanner) => {
      counter.stats.rowsRead++;
      const reason =
        scanner.fieldCount !== width ? SkipReason.wrongFieldCount : decoder.decode(buffer, scanner, column.storeId, column.status, column.timestamp);
      if (reason) counter.skip(reason, scanner.recordLine, () => scanner.rawText(buffer));
    };
  });
  return { ...counter.stats, columns: decoder.columns() };
}

/**
 * Reads a small input file (hours, zones) row by row. Rows of the wrong width and rows without a
 * store id are skipped here; `accept` gets the trimmed store id and the row's fields by column
 * name, and returns why it skips the row, or null when it keeps it.
 */
async function readStoreRows<S extends HeaderSpec & { storeId: readonly string[] }>(
  path: string,
  spec: S,
  accept: (storeId: string, field: (name: keyof S) => string) => SkipReason | null,
): Promise<ReadStats> {
  const counter = new SkipCounter();
  // One string per distinct store, not per row: the 10× fleet has 862 k hours rows for 141 k stores.
  const storeIds = new ByteStringInterner();
  await readRecords(path, (header) => {
    const column = resolveHeader(path, header, spec);
    return (buffer, scanner) => {
      counter.stats.rowsRead++;
      let reason: SkipReason | null;
      if (scanner.fieldCount !== header.length) reason = SkipReason.wrongFieldCount;
      else {
        const code =
          scanner.fieldQuoting[column.storeId] === 2
            ? storeIds.codeOfText(scanner.text(buffer, column.storeId).trim())
            : storeIds.codeOf(buffer, scanner.fieldStart[column.storeId], scanner.fieldEnd[column.storeId]);
        reason = storeIds.isEmpty(code) ? SkipReason.emptyStoreId : accept(storeIds.strings[code], (name) => scanner.text(buffer, column[name]));
      }
      if (reason) counter.skip(reason, scanner.recordLine, () => scanner.rawText(buffer));
    };
  });
  return counter.stats;
}

/** Business hours: `store_id,day|dayOfWeek,start_time_local,end_time_local`. */
export async function readHoursFile(path: string): Promise<ReadResult<HoursColumns>> {
  const storeIds: string[] = [];
  const days: number[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const stats = await readStoreRows(path, INPUT_HEADERS.hours, (storeId, field) => {
    const day = parseDayOfWeek(field('dayOfWeek'));
    if (day < 0) return SkipReason.badDayOfWeek;
    const start = parseLocalTime(field('start'));
    const end = parseLocalTime(field('end'));
    if (Number.isNaN(start) || Number.isNaN(end)) return SkipReason.badTime;
    storeIds.push(storeId);
    days.push(day);
    starts.push(start);
    ends.push(end);
    return null;
  });
  return {
    ...stats,
    columns: {
      store_id: storeIds,
      day_of_week: Uint8Array.from(days),
      start_time_us: Float64Array.from(starts),
      end_time_us: Float64Array.from(ends),
    },
  };
}

/** Time zones: `store_id,timezone_str`. Names are kept as given (trimmed); the engine validates them. */
export async function readTimezonesFile(path: string): Promise<ReadResult<TimezoneColumns>> {
  const storeIds: string[] = [];
  const zones: string[] = [];
  const stats = await readStoreRows(path, INPUT_HEADERS.timezones, (storeId, field) => {
    storeIds.push(storeId);
    zones.push(field('timezone').trim());
    return null;
  });
  return { ...stats, columns: { store_id: storeIds, timezone_str: zones } };
}

export interface CsvBatch {
  header: string[];
  records: string[][];
  /** The line each record starts on (the header is line 1). */
  lineNumbers: number[];
}

/**
 * Any CSV file as batches of string records, for consumers that stream rows elsewhere (ingest).
 * One batch per chunk of the file (~1 MB), so memory stays flat and the consumer's pace sets the
 * reading pace.
 */
export async function* readCsvBatches(path: string): AsyncGenerator<CsvBatch> {
  const feeder = new ChunkFeeder(new CsvScanner());
  let header: string[] | null = null;
  let records: string[][] = [];
  let lineNumbers: number[] = [];
  const onRecord = (buffer: Buffer) => {
    if (!header) header = feeder.scanner.texts(buffer);
    else {
      records.push(feeder.scanner.texts(buffer));
      lineNumbers.push(feeder.scanner.recordLine);
    }
  };
  let yielded = false;
  const takeBatch = (final = false): CsvBatch | null => {
    // A header-only file still yields one (empty) batch, so the consumer sees the header.
    if (!header || (records.length === 0 && (yielded || !final))) return null;
    yielded = true;
    const batch = { header, records, lineNumbers };
    records = [];
    lineNumbers = [];
    return batch;
  };
  for await (const chunk of readFileBytes(path)) {
    feeder.push(chunk, onRecord);
    const batch = takeBatch();
    if (batch) yield batch;
  }
  feeder.end(onRecord);
  if (!header) throw new InputFileError(path, 'empty file: no header');
  const last = takeBatch(true);
  if (last) yield last;
}
