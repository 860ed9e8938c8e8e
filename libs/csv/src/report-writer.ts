import { format } from 'fast-csv';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ColumnTable } from 'arquero';
import { REPORT_COLUMNS } from '@store-uptime/uptime';

/**
 * Writes the report CSV of the spec: header first, REPORT_COLUMNS in order, `\n` line ends, every
 * number with exactly two decimals. Streams row by row (fast-csv), so a large report never sits
 * in memory as one string.
 */
export async function writeReportCsv(table: ColumnTable, destination: Writable): Promise<void> {
  const columns = REPORT_COLUMNS.map((name) => table.column(name) as unknown as ArrayLike<string | number>);
  const rowCount = table.numRows();
  function* rows() {
    for (let row = 0; row < rowCount; row++) {
      yield columns.map((column, i) => (i === 0 ? String(column[row]) : (column[row] as number).toFixed(2)));
    }
  }
  const csv = format({ headers: [...REPORT_COLUMNS], rowDelimiter: '\n', includeEndRowDelimiter: true, alwaysWriteHeaders: true });
  await pipeline(Readable.from(rows(), { objectMode: true }), csv, destination);
}
