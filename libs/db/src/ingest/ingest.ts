import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { format } from 'fast-csv';
import { type CsvBatch, InputFileError, readCsvBatches, resolveHeader } from '@store-uptime/csv';
import { type PgSource, withPgClient } from '../pg-source';
import {
  ensurePollPartitions,
  listPollPartitions,
  POLLED_STORES_TABLE_NAME,
  POLLS_TABLE_NAME,
  WEEK_ORIGIN_SQL,
  WEEK_US,
} from '../poll-partitions';
import { BinaryCopyWriter } from './binary-copy-writer';
import { dropKeysAndIndexes } from './bulk-load';
import { uncompressedSize } from './input-size';
import {
  INPUT_TABLE_ORDER,
  INPUT_TABLES,
  IngestSkipReason,
  type InputKind,
  type InputTable,
  tablesWrittenInLockOrder,
} from './input-tables';

/**
 * `npm run ingest` as a library (apps/cli/src/ingest.ts is the command): CSV files → the input
 * tables through PostgreSQL COPY, every row validated, bad rows skipped and counted.
 *
 * Everything happens in ONE transaction: a file that turns out unreadable half-way (a corrupt
 * gzip) leaves the database as it was, and a report never sees some files loaded and others not.
 *
 * Two ways to load a table:
 * - `append`: COPY into the live table; readers are not blocked and see the rows at commit (the
 *   hourly increments).
 * - `bulk` (`--replace`, or the table is empty): TRUNCATE, drop the key and indexes, COPY FREEZE,
 *   rebuild them. Building an index once after the load is several times faster than updating it
 *   per row in random order, and FREEZE marks the pages all-visible at once, so the window
 *   read's index-only scans need no VACUUM first. The table is locked ACCESS EXCLUSIVE until
 *   commit: a concurrent report waits, then sees the new data, never half (report-window.ts
 *   locks before taking its snapshot).
 *
 * Polls (store_status, partitioned by week: poll-partitions.ts) go through a temporary staging
 * table first: the weeks a file holds are known only once it is read, and each needs its partition
 * before its rows can be inserted. From the staging table one INSERT fills the partitions and one
 * upsert the store list (polled_stores). In bulk mode every old partition is dropped instead of
 * truncated, so a replaced history leaves no empty weeks behind; FREEZE does not apply to a
 * partitioned table, the VACUUM after the commit sets the visibility map instead.
 */

export type LoadMode = 'append' | 'bulk';

export interface IngestFiles {
  polls?: string;
  hours?: string;
  timezones?: string;
}

export interface IngestOptions {
  /** Replace each loaded table's contents instead of appending to them. */
  replace?: boolean;
  /** Write every skipped row here (CSV: file, line, reason, then the row's own fields). */
  rejectsPath?: string;
  onProgress?: (progress: IngestProgress) => void;
  /** Test seam: runs inside the transaction, after every table is loaded, before COMMIT. */
  beforeCommit?: () => Promise<void>;
}

export interface IngestProgress {
  kind: InputKind;
  path: string;
  /** `indexing`: all rows are in; the key and indexes are being rebuilt (bulk mode). */
  phase: 'reading' | 'indexing';
  rowsRead: number;
  /** 0…1, estimated from bytes; null when the size is unknown. */
  fraction: number | null;
}

export interface SkippedRecord {
  line: number;
  reason: IngestSkipReason;
  text: string;
}

export interface FileIngestResult {
  kind: InputKind;
  path: string;
  table: string;
  mode: LoadMode;
  /** The table's previous contents were replaced (`--replace`). */
  replaced: boolean;
  /** Data records in the file (header and blank lines excluded). */
  rowsRead: number;
  rowsLoaded: number;
  skipped: Partial<Record<IngestSkipReason, number>>;
  /** The first few skipped rows, with their line numbers. */
  firstSkips: SkippedRecord[];
  /** Wall time of reading + COPY, and of rebuilding keys and indexes (bulk mode). */
  seconds: { copy: number; rebuild: number };
}

export interface IngestResult {
  files: FileIngestResult[];
  /** Problems after the commit that lost no data (e.g. VACUUM failed). */
  warnings: string[];
  rowsRead: number;
  rowsLoaded: number;
  rowsSkipped: number;
}

const MAX_SKIP_SAMPLES = 10;
/** COPY data is sent in pieces of at least this size: big enough to amortise, small enough to stream. */
const COPY_CHUNK_BYTES = 1 << 20;

interface OpenInput {
  spec: InputTable;
  path: string;
  batches: AsyncGenerator<CsvBatch>;
  first: CsvBatch;
  columns: Record<string, number>;
  totalBytes: number | null;
}

/**
 * Loads the given files. Throws `InputFileError` (from @store-uptime/csv) for a missing or
 * unreadable file, an empty one or a wrong header — before anything is written — and rolls back
 * on any later failure.
 */
export async function ingestFiles(source: PgSource, files: IngestFiles, options: IngestOptions = {}): Promise<IngestResult> {
  const inputs = await openInputs(files);
  try {
    const rejects = options.rejectsPath ? await RejectsWriter.open(options.rejectsPath) : null;
    let committed = false;
    try {
      const warnings: string[] = [];
      const results = await withPgClient(source, async (client) => {
        const loaded = await loadInTransaction(client, inputs, options, rejects);
        committed = true;
        warnings.push(...(await vacuumAnalyze(client, loaded.flatMap((file) => file.written))));
        return loaded.map((file) => file.result);
      });
      await rejects?.close().catch((error: Error) => warnings.push(`the rejects file may be incomplete: ${error.message}`));
      return { ...summarise(results), warnings };
    } catch (error) {
      // Nothing was committed, so a half-written rejects file would only mislead.
      if (!committed && rejects && options.rejectsPath) {
        await rejects.close().catch(() => undefined);
        await rm(options.rejectsPath, { force: true }).catch(() => undefined);
      }
      throw error;
    }
  } finally {
    await Promise.all(inputs.map((input) => input.batches.return(undefined)));
  }
}

/** Opens every file and checks its header first, so a bad file stops the run before any write. */
async function openInputs(files: IngestFiles): Promise<OpenInput[]> {
  const inputs: OpenInput[] = [];
  try {
    for (const kind of INPUT_TABLE_ORDER) {
      const path = files[kind];
      if (path === undefined) continue;
      const spec = INPUT_TABLES[kind];
      const batches = readCsvBatches(path);
      const input: Partial<OpenInput> = { spec, path, batches };
      inputs.push(input as OpenInput);
      const first = await batches.next();
      // readCsvBatches always yields at least one batch (the header) or throws InputFileError.
      if (first.done) throw new Error(`${path}: no header`);
      Object.assign(input, {
        first: first.value,
        columns: resolveHeader(path, first.value.header, spec.headers),
        totalBytes: await uncompressedSize(path),
      });
    }
    return inputs;
  } catch (error) {
    await Promise.all(inputs.map((input) => input.batches.return(undefined)));
    throw error;
  }
}

/** A file's result, and the tables (or partitions) its load wrote, for VACUUM after the commit. */
interface LoadedTable {
  result: FileIngestResult;
  written: string[];
}

async function loadInTransaction(
  client: PoolClient,
  inputs: OpenInput[],
  options: IngestOptions,
  rejects: RejectsWriter | null,
): Promise<LoadedTable[]> {
  await client.query('BEGIN');
  try {
    // Index builds after a bulk load sort the whole table; the default 64 MB spills to disk.
    await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    const tables = [...new Set(inputs.map((input) => input.spec.table))];
    // First a lock that only ingests take (it lets reports read on): one ingest at a time per
    // table, so "the table is empty" below stays true until we commit.
    await client.query(`LOCK TABLE ${tablesWrittenInLockOrder(tables).join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    const modes = new Map<string, LoadMode>();
    for (const table of tables) modes.set(table, options.replace || (await isEmpty(client, table)) ? 'bulk' : 'append');
    const bulkTables = tables.filter((table) => modes.get(table) === 'bulk');
    // All exclusive locks at once and in canonical order (see INPUT_TABLE_ORDER): no deadlock with
    // the window loader, which takes its shared locks in the same order.
    if (bulkTables.length > 0) await client.query(`LOCK TABLE ${tablesWrittenInLockOrder(bulkTables).join(', ')} IN ACCESS EXCLUSIVE MODE`);
    const results: LoadedTable[] = [];
    for (const input of inputs) {
      const mode = modes.get(input.spec.table)!;
      results.push(await loadTable(client, input, mode, options, rejects));
    }
    if (options.beforeCommit) await options.beforeCommit();
    await client.query('COMMIT');
    return results;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * After the commit (VACUUM cannot run in a transaction): fresh planner statistics, and the
 * visibility map set for appended pages so the window read stays index-only. The data is already
 * safe, so a failure here is a warning, not an error.
 */
async function vacuumAnalyze(client: PoolClient, tables: string[]): Promise<string[]> {
  const warnings: string[] = [];
  for (const table of new Set(tables)) {
    try {
      await client.query(`VACUUM (ANALYZE) ${table}`);
    } catch (error) {
      warnings.push(`VACUUM (ANALYZE) ${table} failed: ${(error as Error).message}`);
    }
  }
  return warnings;
}

async function isEmpty(client: PoolClient, table: string): Promise<boolean> {
  const result = await client.query<{ empty: boolean }>(`SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`);
  return result.rows[0].empty;
}

async function loadTable(
  client: PoolClient,
  input: OpenInput,
  mode: LoadMode,
  options: IngestOptions,
  rejects: RejectsWriter | null,
): Promise<LoadedTable> {
  const { spec, path } = input;
  const result: FileIngestResult = {
    kind: spec.kind,
    path,
    table: spec.table,
    mode,
    replaced: options.replace ?? false,
    rowsRead: 0,
    rowsLoaded: 0,
    skipped: {},
    firstSkips: [],
    seconds: { copy: 0, rebuild: 0 },
  };
  const polls = spec.table === POLLS_TABLE_NAME;
  let rebuild: string[] = [];
  if (mode === 'bulk') {
    if (polls) {
      for (const partition of await listPollPartitions(client)) await client.query(`DROP TABLE "${partition.name}"`);
      await client.query(`TRUNCATE ${POLLED_STORES_TABLE_NAME}`);
    } else {
      await client.query(`TRUNCATE ${spec.table}`);
    }
    rebuild = await dropKeysAndIndexes(client, spec.table);
  }
  if (polls) {
    await client.query(
      `CREATE TEMP TABLE ${POLL_STAGING} (store_id text COLLATE "C" NOT NULL, status text NOT NULL, timestamp_utc timestamptz NOT NULL) ON COMMIT DROP`,
    );
  }
  const target = polls ? POLL_STAGING : spec.table;
  const freeze = mode === 'bulk' && !polls ? ', FREEZE' : '';
  const copy = client.query(copyFrom(`COPY ${target} (${spec.copyColumns.join(', ')}) FROM STDIN (FORMAT binary${freeze})`));
  const copyStarted = performance.now();
  await pipeline(Readable.from(copyChunks(input, result, options, rejects)), copy);
  if (polls) await movePollsFromStaging(client);
  // An appended hour of polls is left to autovacuum (insert-triggered): a VACUUM ANALYZE of its
  // week's partition (up to a week of the fleet) costs several times the append itself, and until
  // it runs only the new rows' pages need a heap visit in the window read.
  const written = polls ? (mode === 'bulk' ? [POLLS_TABLE_NAME, POLLED_STORES_TABLE_NAME] : []) : [spec.table];
  const rebuildStarted = performance.now();
  if (rebuild.length > 0) options.onProgress?.({ kind: spec.kind, path, phase: 'indexing', rowsRead: result.rowsRead, fraction: 1 });
  for (const statement of rebuild) await client.query(statement);
  result.seconds = { copy: (rebuildStarted - copyStarted) / 1000, rebuild: (performance.now() - rebuildStarted) / 1000 };
  return { result, written };
}

/** Where a poll file's rows wait for their partitions; temporary (no WAL) and dropped at commit. */
const POLL_STAGING = 'store_status_staging';

/**
 * Staged polls → their weekly partitions (made first when missing, plus the week after the newest
 * poll, so the next hourly append finds its partition made) and the store list.
 */
async function movePollsFromStaging(client: PoolClient): Promise<void> {
  const weeks = await client.query<{ week_us: string }>(
    `SELECT DISTINCT (extract(epoch FROM date_bin('7 days', timestamp_utc, ${WEEK_ORIGIN_SQL})) * 1000000)::bigint::text AS week_us
       FROM ${POLL_STAGING}`,
  );
  const weekStarts = weeks.rows.map((row) => Number(row.week_us));
  if (weekStarts.length === 0) return;
  await ensurePollPartitions(client, [...weekStarts, Math.max(...weekStarts) + WEEK_US]);
  await client.query(`INSERT INTO ${POLLS_TABLE_NAME} (store_id, status, timestamp_utc) SELECT store_id, status, timestamp_utc FROM ${POLL_STAGING}`);
  // Only a store's first poll ever moves its row, so an hourly append writes no row here. The join
  // keeps the stores that are known and unchanged away from ON CONFLICT, which locks every row it
  // meets even when its WHERE leaves the row as it is: 14 k row locks (written to the heap) per
  // hourly append, 50 of its ~190 ms (the join: ~13 ms).
  await client.query(`
    INSERT INTO ${POLLED_STORES_TABLE_NAME} AS s (store_id, first_poll_utc)
    SELECT staged.store_id, staged.first_poll_utc
      FROM (SELECT store_id, min(timestamp_utc) AS first_poll_utc FROM ${POLL_STAGING} GROUP BY store_id) staged
      LEFT JOIN ${POLLED_STORES_TABLE_NAME} known ON known.store_id = staged.store_id
     WHERE known.store_id IS NULL OR staged.first_poll_utc < known.first_poll_utc
    ON CONFLICT (store_id) DO UPDATE SET first_poll_utc = excluded.first_poll_utc WHERE excluded.first_poll_utc < s.first_poll_utc`);
}

/** The file's valid rows as binary COPY data, in pieces; counts and reports what it skips on the way. */
async function* copyChunks(
  input: OpenInput,
  result: FileIngestResult,
  options: IngestOptions,
  rejects: RejectsWriter | null,
): AsyncGenerator<Buffer> {
  const { spec, columns, path, totalBytes } = input;
  const width = input.first.header.length;
  const out = new BinaryCopyWriter();
  let bytesSeen = 0;
  const skip = async (reason: IngestSkipReason, line: number, record: string[]) => {
    result.skipped[reason] = (result.skipped[reason] ?? 0) + 1;
    if (result.firstSkips.length < MAX_SKIP_SAMPLES) result.firstSkips.push({ line, reason, text: record.join(',') });
    await rejects?.write([path, String(line), reason, ...record]);
  };
  for (let batch: CsvBatch | undefined = input.first; batch; batch = await nextBatch(input.batches)) {
    const { records, lineNumbers } = batch;
    for (let i = 0; i < records.length; i++) {
      const record = records[i];
      result.rowsRead++;
      // Bytes of the record as written (fields, commas, newline); exact for unquoted files.
      for (const field of record) bytesSeen += field.length + 1;
      const reason = record.length !== width ? IngestSkipReason.wrongFieldCount : spec.encode(record, columns, out);
      if (reason === null) result.rowsLoaded++;
      else await skip(reason, lineNumbers[i], record);
    }
    if (out.byteLength >= COPY_CHUNK_BYTES) yield out.take();
    options.onProgress?.({
      kind: spec.kind,
      path,
      phase: 'reading',
      rowsRead: result.rowsRead,
      fraction: totalBytes ? Math.min(bytesSeen / totalBytes, 0.99) : null,
    });
  }
  yield out.finish();
}

async function nextBatch(batches: AsyncGenerator<CsvBatch>): Promise<CsvBatch | undefined> {
  const next = await batches.next();
  return next.done ? undefined : next.value;
}

/** The rejects file: CSV through fast-csv, header `file,line,reason,fields…`, one row per skip. */
class RejectsWriter {
  private constructor(
    private readonly csv: ReturnType<typeof format<string[], string[]>>,
    private readonly done: Promise<void>,
  ) {}

  /** Opens (creates or truncates) the file; fails now, before any loading, if it cannot. */
  static async open(path: string): Promise<RejectsWriter> {
    const file = createWriteStream(path);
    try {
      await once(file, 'open');
    } catch (error) {
      throw new InputFileError(path, `cannot write the rejects file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const csv = format<string[], string[]>({ rowDelimiter: '\n', includeEndRowDelimiter: true });
    const done = pipeline(csv, file);
    done.catch(() => undefined); // observed in close(); this only keeps it from being "unhandled"
    csv.write(['file', 'line', 'reason', 'fields…']);
    return new RejectsWriter(csv, done);
  }

  async write(row: string[]): Promise<void> {
    if (!this.csv.write(row)) await once(this.csv, 'drain');
  }

  async close(): Promise<void> {
    this.csv.end();
    await this.done;
  }
}

function summarise(files: FileIngestResult[]): Omit<IngestResult, 'warnings'> {
  const sum = (pick: (file: FileIngestResult) => number) => files.reduce((total, file) => total + pick(file), 0);
  return {
    files,
    rowsRead: sum((file) => file.rowsRead),
    rowsLoaded: sum((file) => file.rowsLoaded),
    rowsSkipped: sum((file) => file.rowsRead - file.rowsLoaded),
  };
}
