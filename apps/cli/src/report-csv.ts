import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputFileError, readHoursFile, readPollsFile, readTimezonesFile, writeReportCsv, type ReadStats } from '@store-uptime/csv';
import {
  computeUptimeReport,
  formatInstant,
  hoursTable,
  parseInstant,
  pollsTable,
  timezonesTable,
  UPTIME_METHODS,
  type UptimeMethod,
} from '@store-uptime/uptime';

const USAGE =
  'usage: npm run report:csv -- --polls <file> --hours <file> --timezones <file> [--as-of <ISO-8601>] [--method hourly|step] --out <file>';

export class UsageError extends Error {}

export interface ReportCsvOptions {
  polls: string;
  hours: string;
  timezones: string;
  out: string;
  asOfUs?: number;
  method: UptimeMethod;
}

export function parseReportCsvArgs(argv: string[]): ReportCsvOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        polls: { type: 'string' },
        hours: { type: 'string' },
        timezones: { type: 'string' },
        out: { type: 'string' },
        'as-of': { type: 'string' },
        method: { type: 'string', default: 'hourly' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  for (const name of ['polls', 'hours', 'timezones', 'out'] as const) {
    if (!values[name]) throw new UsageError(`missing --${name}`);
  }
  const method = values.method as UptimeMethod;
  if (!UPTIME_METHODS.includes(method)) throw new UsageError(`--method must be hourly or step, not "${values.method}"`);
  let asOfUs: number | undefined;
  if (values['as-of'] !== undefined) {
    asOfUs = parseInstant(values['as-of']);
    if (Number.isNaN(asOfUs)) throw new UsageError(`--as-of is not an ISO-8601 instant: "${values['as-of']}"`);
  }
  return { polls: values.polls!, hours: values.hours!, timezones: values.timezones!, out: values.out!, asOfUs, method };
}

/** Runs the report and returns the summary lines for stderr. */
export async function runReportCsv(options: ReportCsvOptions): Promise<string[]> {
  const started = process.hrtime.bigint();
  // The three files are read concurrently: hours and zones parse while the polls decompress.
  const [polls, hours, timezones] = await Promise.all([
    readPollsFile(options.polls),
    readHoursFile(options.hours),
    readTimezonesFile(options.timezones),
  ]);
  const report = computeUptimeReport(
    { polls: pollsTable(polls.columns), hours: hoursTable(hours.columns), timezones: timezonesTable(timezones.columns) },
    { asOfUs: options.asOfUs, method: options.method },
  );
  // Written next to the target and renamed, so a failed run never leaves half a report behind.
  const partial = `${options.out}.partial-${process.pid}`;
  try {
    await writeReportCsv(report.table, createWriteStream(partial));
    await rename(partial, options.out);
  } catch (error) {
    await rm(partial, { force: true });
    throw new InputFileError(options.out, `cannot write the report: ${(error as Error).message}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { stats } = report;
  const invalidZones = Object.entries(stats.zonesInvalid);
  return [
    `stores reported: ${stats.stores} (method ${report.method})`,
    `now: ${report.nowUs === null ? 'none (no polls)' : formatInstant(report.nowUs)}${options.asOfUs === undefined ? ' (latest poll)' : ' (--as-of)'}`,
    describeRead('polls', polls),
    describeRead('hours', hours),
    describeRead('timezones', timezones),
    `polls after now (ignored): ${stats.pollsAfterNow}`,
    `zone fallbacks to America/Chicago: ${stats.zonesMissing} missing, ${invalidZones.reduce((n, [, c]) => n + c, 0)} invalid` +
      (invalidZones.length ? ` (${invalidZones.map(([name, count]) => `${JSON.stringify(name)}×${count}`).join(', ')})` : ''),
    ...[polls, hours, timezones].flatMap((read, i) =>
      read.firstSkips.map((skip) => `  skipped ${['polls', 'hours', 'timezones'][i]} line ${skip.line} (${skip.reason}): ${skip.text}`),
    ),
    `wrote ${options.out} in ${seconds.toFixed(2)} s`,
  ];
}

function describeRead(name: string, read: ReadStats): string {
  const skipped = Object.entries(read.skipped);
  const total = skipped.reduce((n, [, count]) => n + (count ?? 0), 0);
  const reasons = skipped.map(([reason, count]) => `${reason} ${count}`).join(', ');
  return `${name}: ${read.rowsRead} rows read, ${total} skipped${total ? ` (${reasons})` : ''}`;
}

async function main(): Promise<void> {
  try {
    const lines = await runReportCsv(parseReportCsvArgs(process.argv.slice(2)));
    for (const line of lines) process.stderr.write(`${line}\n`);
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`report:csv: ${error.message}\n${USAGE}\n`);
    else if (error instanceof InputFileError) process.stderr.write(`report:csv: ${error.message}\n`);
    else throw error;
    process.exitCode = 2;
  }
}

if (require.main === module) void main();
