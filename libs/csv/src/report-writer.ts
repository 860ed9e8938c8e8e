import { format } from 'fast-csv';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { ColumnTable } from 'arquero';
import { REPORT_COLUMNS, REPORT_VALUE_COLUMNS, reportArrays, Utf8Column } from '@store-uptime/uptime';

/** The header line writeReportCsv writes (no column name needs quoting), for assembling parts. */
export const REPORT_CSV_HEADER = `${REPORT_COLUMNS.join(',')}\n`;

/**
 * Writes the report CSV of the spec: header first, REPORT_COLUMNS in order, `\n` line ends, every
 * number with exactly two decimals. Reads the table's own arrays (a report table from the engine,
 * or one rebuilt around arrays a compute thread handed over, is not copied) and streams row by
 * row (fast-csv), so a large report never sits in memory as one string.
 */
export async function writeReportCsv(table: ColumnTable, destination: Writable, options: { header?: boolean } = {}): Promise<void> {
  const { storeIds, values } = reportArrays(table);
  const ids = new Utf8Column(storeIds.bytes, storeIds.offsets);
  const numbers = REPORT_VALUE_COLUMNS.map((name) => values[name]);
  function* rows() {
    for (let row = 0; row < ids.length; row++) {
      yield [ids.at(row), ...numbers.map((column) => column[row].toFixed(2))];
    }
  }
  // Without the header (a part of a fanned-out report), the rows are written exactly as in the
  // whole file, so header + parts in order is the whole file byte for byte (an empty part is
  // empty: fast-csv would end it with a lone line end).
  const header = options.header ?? true;
  const csv = format({
    headers: [...REPORT_COLUMNS],
    writeHeaders: header,
    rowDelimiter: '\n',
    includeEndRowDelimiter: header || ids.length > 0,
    alwaysWriteHeaders: header,
  });
  await pipeline(Readable.from(rows(), { objectMode: true }), csv, destination);
}
