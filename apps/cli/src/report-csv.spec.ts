import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputFileError } from '@store-uptime/csv';
import { parseReportCsvArgs, runReportCsv, UsageError } from './report-csv';

const scratch = mkdtempSync(join(tmpdir(), 'report-csv-spec-'));
const write = (name: string, content: string) => {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
};
const base = ['--polls', 'p.csv', '--hours', 'h.csv', '--timezones', 't.csv', '--out', 'o.csv'];

describe('parseReportCsvArgs', () => {
  it('defaults to the hourly method and the latest poll', () => {
    expect(parseReportCsvArgs(base)).toEqual({ polls: 'p.csv', hours: 'h.csv', timezones: 't.csv', out: 'o.csv', method: 'hourly', asOfUs: undefined });
  });

  it.each([
    ['2023-01-25T18:13:22.47922Z', Date.parse('2023-01-25T18:13:22.479Z') * 1000 + 220],
    ['2023-01-25T20:13:22+02:00', Date.parse('2023-01-25T18:13:22Z') * 1000],
    ['2023-01-25 18:13:22.47922 UTC', Date.parse('2023-01-25T18:13:22.479Z') * 1000 + 220],
  ])('reads --as-of %s to the microsecond', (text, expected) => {
    expect(parseReportCsvArgs([...base, '--as-of', text, '--method', 'step'])).toMatchObject({ asOfUs: expected, method: 'step' });
  });

  it('takes the sample week instead of three files, with seed 1 unless told', () => {
    expect(parseReportCsvArgs(['--sample', '--out', 'o.csv'])).toEqual({ sample: { seed: 1 }, out: 'o.csv', method: 'hourly', asOfUs: undefined });
    expect(parseReportCsvArgs(['--sample', '--seed', '7', '--out', 'o.csv', '--method', 'step'])).toMatchObject({ sample: { seed: 7 }, method: 'step' });
  });

  it.each([
    [['--sample', '--polls', 'p.csv', '--out', 'o'], '--sample replaces --polls, --hours and --timezones; leave out --polls'],
    [['--sample', '--seed', '1.5', '--out', 'o'], '--seed must be an integer'],
    [[...base, '--seed', '3'], '--seed goes with --sample'],
    [['--sample'], 'missing --out'],
    [['--hours', 'h', '--timezones', 't', '--out', 'o'], 'missing --polls'],
    [[...base, '--method', 'daily'], '--method must be hourly or step'],
    [[...base, '--as-of', 'yesterday'], '--as-of is not an ISO-8601 instant'],
    [[...base, '--as-of', '2023-02-30T00:00:00Z'], '--as-of is not an ISO-8601 instant'],
    [[...base, '--colour'], "Unknown option '--colour'"],
  ])('rejects %j with a one-line usage error', (argv, message) => {
    expect(() => parseReportCsvArgs(argv)).toThrow(UsageError);
    expect(() => parseReportCsvArgs(argv)).toThrow(message);
  });
});

describe('runReportCsv', () => {
  const polls = write(
    'polls.csv',
    '\ufeffstore_id,status,timestamp_utc\n' +
      'a,active,2024-05-06 11:00:00 UTC\n' +
      'a,inactive,2024-05-06 11:30:00 UTC\n' +
      'b,active,2024-05-06 09:30:00 UTC\n' +
      'b,sleeping,2024-05-06 10:30:00 UTC\n' +
      'c,active,2024-05-06 13:00:00 UTC',
  );
  const hours = write('hours.csv', 'store_id,day,start_time_local,end_time_local\nb,0,09:00:00,10:00:00\n');
  const zones = write('zones.csv', 'store_id,timezone_str\nb,UTC\na,Nowhere/Special\n');

  it('writes the spec’s CSV and a summary with counts, skips, fallbacks and now', async () => {
    const out = join(scratch, 'report.csv');
    const summary = await runReportCsv({ polls, hours, timezones: zones, out, method: 'step', asOfUs: Date.parse('2024-05-06T12:00:00Z') * 1000 });
    // a: 24×7 step, active until 11:30 → hour 30/30, day 23.5/0.5, week 167.5/0.5.
    // b: Monday 09:00–10:00 UTC, active from 09:30 back-filled → 1 h up.  c: polled after now → not reported.
    expect(readFileSync(out, 'utf8')).toBe(
      'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week\n' +
        'a,30.00,23.50,167.50,30.00,0.50,0.50\n' +
        'b,0.00,1.00,1.00,0.00,0.00,0.00\n',
    );
    expect(summary).toEqual(
      expect.arrayContaining([
        'stores reported: 2 (method step)',
        'now: 2024-05-06T12:00:00.000000Z (--as-of)',
        'polls: 5 rows read, 1 skipped (bad_status 1)',
        'polls after now (ignored): 1',
        'zone fallbacks to America/Chicago: 0 missing, 1 invalid ("Nowhere/Special"×1)',
        '  skipped polls line 5 (bad_status): b,sleeping,2024-05-06 10:30:00 UTC',
      ]),
    );
  });

  it('fails with an InputFileError and leaves no output when an input is missing', async () => {
    const out = join(scratch, 'never.csv');
    await expect(runReportCsv({ polls: join(scratch, 'missing.csv'), hours, timezones: zones, out, method: 'hourly' })).rejects.toThrow(InputFileError);
    expect(existsSync(out)).toBe(false);
  });
});
