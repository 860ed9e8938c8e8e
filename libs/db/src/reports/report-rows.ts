import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { REPORT_VALUE_COLUMNS, type ReportArrays, type ReportValueColumn } from '@store-uptime/uptime';
import { BinaryCopyDecoder } from '../copy-binary';
import { BinaryCopyWriter } from '../ingest/binary-copy-writer';
import { type PgSource, withPgClient } from '../pg-source';

/** One store's line of a report: the CSV's columns, the numbers as the CSV prints them (two decimals). */
export type ReportRow = { store_id: string } & Record<ReportValueColumn, number>;

/** What a report's rows can be ordered by. */
export const REPORT_ROW_SORTS = ['store_id', ...REPORT_VALUE_COLUMNS] as const;
export type ReportRowSort = (typeof REPORT_ROW_SORTS)[number];
export type SortOrder = 'asc' | 'desc';

/** Store ids `from` (inclusive) up to `to` (exclusive), in byte order; a missing end is open. */
export interface StoreIdRange {
  from?: string;
  to?: string;
}

/** Bounds on the numbers, inclusive: `{ downtime_last_week: { min: 1 } }`. */
export type ReportRowBounds = Partial<Record<ReportValueColumn, { min?: number; max?: number }>>;

/** A page position: the sort value and store id of the previous page's last row. */
export interface ReportRowPosition {
  value: number | string;
  storeId: string;
}

export interface ReportRowsQuery {
  sort: ReportRowSort;
  order: SortOrder;
  /** Only these stores (none: every store). */
  storeIds?: readonly string[];
  bounds?: ReportRowBounds;
  limit: number;
  after?: ReportRowPosition | null;
}

export interface ReportRowsPage {
  rows: ReportRow[];
  /** Where the next page starts, when there is one. */
  next: ReportRowPosition | null;
}

const REPORT_ID = /^[0-9a-f]{32}$/;
const FIELDS = 1 + REPORT_VALUE_COLUMNS.length;
const COLUMN_LIST = ['"store_id"', ...REPORT_VALUE_COLUMNS.map((name) => `"${name}"`)].join(', ');
/** COPY data is handed to PostgreSQL in chunks of about this size. */
const CHUNK_BYTES = 1 << 20;

function checked(id: string): string {
  if (!REPORT_ID.test(id)) throw new Error(`not a report id: ${JSON.stringify(id)}`);
  return id;
}

/**
 * A number as the CSV shows it (writeReportCsv prints `toFixed(2)`), so that a row read from the
 * table, a JSON Lines line and the CSV line of a store hold the same values, and a threshold
 * filter compares what the client sees.
 */
function csvRounded(value: number): number {
  return Number(value.toFixed(2));
}

/**
 * The rows of each report as data (table report_rows, migration 1795800000050): written by the
 * worker in the attempt that computes the report, read by the API's store list and JSON Lines
 * download, deleted with the report (cancel, expiry).
 */
export class ReportRowsRepository {
  constructor(private readonly source: PgSource) {}

  /**
   * Writes the report's rows (or, given `range`, the rows of the stores in that range: one shard
   * of a report split by store-id range) in one transaction: the earlier rows of the same report
   * and range are deleted first, so a retried attempt replaces what an earlier one wrote, and no
   * reader ever sees half; two writers of the same report and range take turns. Binary COPY: the store ids go as the UTF-8 bytes the engine produced.
   * Returns the number of rows written.
   */
  async replace(reportId: string, report: ReportArrays, range: StoreIdRange = {}): Promise<number> {
    const id = checked(reportId);
    const { bytes, offsets } = report.storeIds;
    const rows = offsets.length - 1;
    const values = REPORT_VALUE_COLUMNS.map((name) => report.values[name]);
    const reportIdBytes = Buffer.from(id, 'latin1');
    if (range.from !== undefined || range.to !== undefined) assertInRange(report, range);

    function* chunks(): Generator<Buffer> {
      const writer = new BinaryCopyWriter();
      for (let row = 0; row < rows; row++) {
        writer.beginRow(2 + values.length);
        writer.utf8(reportIdBytes, 0, reportIdBytes.length);
        writer.utf8(bytes, offsets[row], offsets[row + 1]);
        for (const column of values) writer.float64(csvRounded(column[row]));
        if (writer.byteLength >= CHUNK_BYTES) yield writer.take();
      }
      yield writer.finish();
    }

    const conditions = ['"report_id" = $1'];
    const parameters: unknown[] = [id];
    if (range.from !== undefined) conditions.push(`"store_id" >= $${parameters.push(range.from)}`);
    if (range.to !== undefined) conditions.push(`"store_id" < $${parameters.push(range.to)}`);
    await withPgClient(this.source, async (client) => {
      await client.query('BEGIN');
      try {
        // Two attempts of one report (or shard) may run at once: a worker that took over a stalled
        // job while the first still runs. Without this lock both delete nothing and the second COPY
        // fails on the first's rows; with it the second waits, then deletes them and copies its own.
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))`, [id, range.from ?? '']);
        await client.query(`DELETE FROM "report_rows" WHERE ${conditions.join(' AND ')}`, parameters);
        const copy = client.query(copyFrom(`COPY "report_rows" ("report_id", ${COLUMN_LIST}) FROM STDIN (FORMAT binary)`));
        await pipeline(Readable.from(chunks()), copy);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
    return rows;
  }

  /** Deletes every row of the report; returns how many there were. */
  async remove(reportId: string): Promise<number> {
    return withPgClient(this.source, async (client) => {
      const result = await client.query(`DELETE FROM "report_rows" WHERE "report_id" = $1`, [checked(reportId)]);
      return result.rowCount ?? 0;
    });
  }

  /**
   * One page by keyset on (sort column, store_id): the position is the last row's pair, so a page
   * costs the same wherever it starts and never repeats or skips a row. Ties on a number are
   * broken by store id, in the same direction.
   */
  async page(reportId: string, query: ReportRowsQuery): Promise<ReportRowsPage> {
    const parameters: unknown[] = [checked(reportId)];
    const conditions = ['"report_id" = $1'];
    if (query.storeIds && query.storeIds.length > 0) conditions.push(`"store_id" = ANY($${parameters.push([...query.storeIds])}::text[])`);
    for (const name of REPORT_VALUE_COLUMNS) {
      const bound = query.bounds?.[name];
      if (bound?.min !== undefined) conditions.push(`"${name}" >= $${parameters.push(bound.min)}`);
      if (bound?.max !== undefined) conditions.push(`"${name}" <= $${parameters.push(bound.max)}`);
    }
    const sort = sortColumn(query.sort);
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const after = query.order === 'desc' ? '<' : '>';
    if (query.after) {
      if (query.sort === 'store_id') {
        conditions.push(`"store_id" ${after} $${parameters.push(query.after.storeId)}`);
      } else {
        conditions.push(`("${sort}", "store_id") ${after} ($${parameters.push(query.after.value)}::double precision, $${parameters.push(query.after.storeId)})`);
      }
    }
    const order = query.sort === 'store_id' ? `"store_id" ${direction}` : `"${sort}" ${direction}, "store_id" ${direction}`;
    const sql = `SELECT ${COLUMN_LIST} FROM "report_rows" WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT $${parameters.push(query.limit + 1)}`;
    const rows = await withPgClient(this.source, async (client) => (await client.query<ReportRow>(sql, parameters)).rows);
    if (rows.length <= query.limit) return { rows, next: null };
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return { rows: page, next: { value: last[query.sort], storeId: last.store_id } };
  }

  /**
   * Every row of the report in store order, in batches as PostgreSQL sends them (binary COPY: no
   * row is built as SQL text and parsed again). `onBatch` is awaited before the next batch is
   * read, so a slow consumer (an HTTP client) holds the COPY back instead of filling memory.
   * Returns the number of rows.
   */
  async stream(reportId: string, onBatch: (rows: ReportRow[]) => Promise<void>): Promise<number> {
    // COPY takes no bind parameters; the id is checked to be 32 hex characters.
    const sql = `COPY (SELECT ${COLUMN_LIST} FROM "report_rows" WHERE "report_id" = '${checked(reportId)}' ORDER BY "store_id") TO STDOUT (FORMAT binary)`;
    return withPgClient(this.source, async (client) => {
      let batch: ReportRow[] = [];
      const decoder = new BinaryCopyDecoder(FIELDS, (buffer, starts, lengths) => {
        const row = { store_id: buffer.toString('utf8', starts[0], starts[0] + lengths[0]) } as ReportRow;
        REPORT_VALUE_COLUMNS.forEach((name, i) => {
          row[name] = buffer.readDoubleBE(starts[i + 1]);
        });
        batch.push(row);
      });
      const copy = client.query(copyTo(sql));
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        decoder.push(chunk);
        if (batch.length > 0) {
          const rows = batch;
          batch = [];
          await onBatch(rows);
        }
      }
      decoder.end();
      return decoder.rowCount;
    });
  }
}

function sortColumn(sort: ReportRowSort): string {
  // A closed list: the name is put into SQL.
  if (!(REPORT_ROW_SORTS as readonly string[]).includes(sort)) throw new Error(`not a report column: ${JSON.stringify(sort)}`);
  return sort;
}

function assertInRange(report: ReportArrays, range: StoreIdRange): void {
  const { bytes, offsets } = report.storeIds;
  const rows = offsets.length - 1;
  if (rows === 0) return;
  const text = (row: number) => Buffer.from(bytes.buffer, bytes.byteOffset + offsets[row], offsets[row + 1] - offsets[row]).toString('utf8');
  // The rows are in store order: the first and last bound them all.
  const first = text(0);
  const last = text(rows - 1);
  if ((range.from !== undefined && first < range.from) || (range.to !== undefined && last >= range.to)) {
    throw new Error(`report rows ${first}…${last} lie outside the store range [${range.from ?? ''}, ${range.to ?? ''})`);
  }
}
