import type { IngestResult } from '@store-uptime/db';
import { formatIngestSummary, parseIngestArgs, ProgressReporter, renderProgressBar, UsageError } from './ingest';

describe('parseIngestArgs', () => {
  it('takes any of the three files, --replace and --rejects', () => {
    expect(parseIngestArgs(['--polls', 'p.csv.gz', '--timezones', 'z.csv', '--replace', '--rejects', 'r.csv'])).toEqual({
      files: { polls: 'p.csv.gz', timezones: 'z.csv' },
      replace: true,
      rejects: 'r.csv',
    });
    expect(parseIngestArgs(['--hours', 'h.csv'])).toEqual({ files: { hours: 'h.csv' }, replace: false, rejects: undefined });
  });

  it.each([
    [[], 'nothing to load'],
    [['--replace'], 'nothing to load'],
    [['--polls'], "Option '--polls <value>' argument missing"],
    [['--polls', ''], '--polls needs a file name'],
    [['--polls', 'p.csv', '--rejects', ''], '--rejects needs a file name'],
    [['--poll', 'p.csv'], "Unknown option '--poll'"],
    [['p.csv'], 'Unexpected argument'],
  ])('rejects %j with a one-line reason', (argv, message) => {
    expect(() => parseIngestArgs(argv)).toThrow(UsageError);
    expect(() => parseIngestArgs(argv)).toThrow(message);
  });
});

describe('renderProgressBar', () => {
  it('draws the fraction as a bar with the row count', () => {
    expect(renderProgressBar({ kind: 'polls', path: 'p', phase: 'reading', rowsRead: 845_112, fraction: 0.47 }, 80)).toBe(
      'polls         845,112 rows [###################.....................]  47%',
    );
  });

  it('says when the rows are in and the indexes are being built', () => {
    expect(renderProgressBar({ kind: 'polls', path: 'p', phase: 'indexing', rowsRead: 9, fraction: 1 }, 80)).toBe(
      'polls               9 rows, building the key and indexes…',
    );
  });

  it('shows only the count when the size is unknown', () => {
    expect(renderProgressBar({ kind: 'hours', path: 'h', phase: 'reading', rowsRead: 12, fraction: null }, 80)).toBe('hours              12 rows');
  });
});

describe('ProgressReporter', () => {
  function fakeStream(isTTY: boolean) {
    const writes: string[] = [];
    return { writes, stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
  }

  it('prints plain lines at most once a second when not on a terminal', () => {
    const { writes, stream } = fakeStream(false);
    let now = 0;
    const reporter = new ProgressReporter(stream, () => now);
    for (let rows = 1; rows <= 10; rows++) {
      now += 400;
      reporter.update({ kind: 'polls', path: 'p', phase: 'reading', rowsRead: rows * 1000, fraction: rows / 10 });
    }
    reporter.update({ kind: 'polls', path: 'p', phase: 'indexing', rowsRead: 10_000, fraction: 1 });
    expect(writes).toEqual([
      'ingest: polls: 3,000 rows read (~30%)\n',
      'ingest: polls: 6,000 rows read (~60%)\n',
      'ingest: polls: 9,000 rows read (~90%)\n',
      'ingest: polls: 10,000 rows read; building the key and indexes\n',
    ]);
  });

  it('redraws one line in place on a terminal and clears it at the end', () => {
    const { writes, stream } = fakeStream(true);
    let now = 1000;
    const reporter = new ProgressReporter(stream, () => now);
    reporter.update({ kind: 'polls', path: 'p', phase: 'reading', rowsRead: 10, fraction: 0.5 });
    now += 50;
    reporter.update({ kind: 'polls', path: 'p', phase: 'reading', rowsRead: 20, fraction: 0.6 }); // too soon: skipped
    reporter.done();
    expect(writes).toHaveLength(2);
    expect(writes[0].startsWith('\r\x1b[Kpolls')).toBe(true);
    expect(writes[1]).toBe('\r\x1b[K');
  });
});

describe('formatIngestSummary', () => {
  it('names each file, what happened to its table, the skips by reason and the first skipped rows', () => {
    const result: IngestResult = {
      files: [
        {
          kind: 'polls',
          path: 'polls.csv',
          table: 'store_status',
          mode: 'append',
          replaced: false,
          rowsRead: 1003,
          rowsLoaded: 1000,
          skipped: { bad_status: 2, bad_timestamp: 1 },
          firstSkips: [{ line: 7, reason: 'bad_status', text: '1,paused,2023-01-25 10:00:00 UTC' }],
          seconds: { copy: 1, rebuild: 0 },
        },
        {
          kind: 'hours',
          path: 'hours.csv',
          table: 'business_hours',
          mode: 'bulk',
          replaced: true,
          rowsRead: 10,
          rowsLoaded: 10,
          skipped: {},
          firstSkips: [],
          seconds: { copy: 0.1, rebuild: 0.1 },
        },
      ],
      warnings: [],
      rowsRead: 1013,
      rowsLoaded: 1010,
      rowsSkipped: 3,
    };
    expect(formatIngestSummary(result, 2)).toEqual([
      'ingest: polls: polls.csv -> store_status appended 1,000 rows of 1,003; skipped 3 (bad_status 2, bad_timestamp 1)',
      '  line 7: bad_status: 1,paused,2023-01-25 10:00:00 UTC',
      'ingest: hours: hours.csv -> business_hours replaced with 10 rows of 10',
      'ingest: 1,010 rows loaded, 3 skipped, in 2.00 s (507 rows/s)',
    ]);
  });
});
