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
import { UsageError as GenDataError } from './gen-data';
import { SAMPLE_WEEK, withSampleWeekPolls } from './sample-week';

const USAGE =
  'usage: npm run report:csv -- (--polls <file> --hours <file> --timezones <file> | --sample [--seed N]) [--as-of <ISO-8601>] [--method hourly|step] --out <file> [--help]';
const HELP = `${USAGE}

Computes the uptime report (docs/uptime-spec.md) from files, with no service and no database:
the same engine and CSV as the service. Inputs are .csv or .csv.gz in the real files' formats.
--sample uses the sample week instead (generated polls for the committed sample stores, seed 1
unless --seed), the data npm start and docker compose load, so their reports can be compared.
--as-of sets the report's now (default: the latest poll); --method hourly (default) or step.
A summary goes to stderr: stores, now, rows read and skipped, zone fallbacks.`;

export class UsageError extends Error {}

/** Either three input files, or the generated sample week (apps/cli/src/sample-week.ts). */
export type ReportInputs = { polls: string; hours: string; timezones: string } | { sample: { seed: number } };

export type ReportCsvOptions = ReportInputs & {
  out: string;
  asOfUs?: number;
  method: UptimeMethod;
};

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
        sample: { type: 'boolean', default: false },
        seed: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  let inputs: ReportInputs;
  if (values.sample) {
    const given = (['polls', 'hours', 'timezones'] as const).filter((name) => values[name] !== undefined);
    if (given.length > 0) throw new UsageError(`--sample replaces --polls, --hours and --timezones; leave out --${given[0]}`);
    const seed = values.seed === undefined ? SAMPLE_WEEK.seed : /^\d{1,10}$/.test(values.seed) ? Number(values.seed) : NaN;
    if (!(seed >= 0 && seed <= 2 ** 32 - 1)) throw new UsageError(`--seed must be an integer from 0 to ${2 ** 32 - 1}, not "${values.seed}"`);
    inputs = { sample: { seed } };
  } else {
    if (values.seed !== undefined) throw new UsageError('--seed goes with --sample');
    for (const name of ['polls', 'hours', 'timezones'] as const) {
      if (!values[name]) throw new UsageError(`missing --${name} (or --sample)`);
    }
    inputs = { polls: values.polls!, hours: values.hours!, timezones: values.timezones! };
  }
  if (!values.out) throw new UsageError('missing --out');
  const method = values.method as UptimeMethod;
  if (!UPTIME_METHODS.includes(method)) throw new UsageError(`--method must be hourly or step, not "${values.method}"`);
  let asOfUs: number | undefined;
  if (values['as-of'] !== undefined) {
    asOfUs = parseInstant(values['as-of']);
    if (Number.isNaN(asOfUs)) throw new UsageError(`--as-of is not an ISO-8601 instant: "${values['as-of']}"`);
  }
  return { ...inputs, out: values.out, asOfUs, method };
}

/** Runs the report and returns the summary lines for stderr. */
export async function runReportCsv(options: ReportCsvOptions): Promise<string[]> {
  if ('sample' in options) {
    const { sample, ...rest } = options;
    const lines: string[] = [];
    const report = await withSampleWeekPolls(
      (polls) => runReportCsv({ ...rest, polls, hours: SAMPLE_WEEK.hours, timezones: SAMPLE_WEEK.timezones }),
      { seed: sample.seed, log: (line) => lines.push(line) },
    );
    return [`inputs: the sample week (seed ${sample.seed}, stores of data/sample/)`, ...lines, ...report];
  }
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
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  try {
    const lines = await runReportCsv(parseReportCsvArgs(process.argv.slice(2)));
    for (const line of lines) process.stderr.write(`${line}\n`);
  } catch (error) {
    if (error instanceof UsageError) process.stderr.write(`report:csv: ${error.message}\n${USAGE}\n`);
    else if (error instanceof InputFileError || error instanceof GenDataError) process.stderr.write(`report:csv: ${error.message}\n`);
    else throw error;
    process.exitCode = 2;
  }
}

if (require.main === module) void main();
