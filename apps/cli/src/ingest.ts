/**
 * `npm run ingest -- [--polls <file>] [--hours <file>] [--timezones <file>] [--replace] [--rejects <file>]`
 *
 * Loads `.csv` / `.csv.gz` input files into PostgreSQL (`DATABASE_URL`) through COPY (issue 3,
 * item 2). The work is `ingestFiles` in @store-uptime/db; this is arguments, progress and exit codes:
 * 0 when the files were loaded (skipped rows included), 2 for bad arguments or a missing,
 * unreadable or wrongly headed file (nothing is written), 1 for anything else (e.g. no database).
 */
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { describeDatabaseUrl } from '@store-uptime/config';
import { InputFileError } from '@store-uptime/csv';
import {
  databaseUrlFromEnv,
  describeConnectError,
  type FileIngestResult,
  type IngestFiles,
  type IngestProgress,
  ingestFiles,
  type IngestResult,
} from '@store-uptime/db';

const USAGE = 'usage: npm run ingest -- [--polls <file>] [--hours <file>] [--timezones <file>] [--replace] [--rejects <file>] [--help]';
const HELP = `${USAGE}

Loads poll, business-hours and time-zone files (.csv or .csv.gz, the real files' formats) into
PostgreSQL. Without --replace, rows are appended; with it, each given table is replaced in one
transaction. Bad rows are skipped, counted and reported (--rejects writes them to a file).
Database: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/store_uptime (the one npm start
uses), migrated first (npm run db:migrate).`;

export class UsageError extends Error {}

export interface IngestArgs {
  files: IngestFiles;
  replace: boolean;
  rejects?: string;
}

export function parseIngestArgs(argv: string[]): IngestArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        polls: { type: 'string' },
        hours: { type: 'string' },
        timezones: { type: 'string' },
        replace: { type: 'boolean', default: false },
        rejects: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const files: IngestFiles = {};
  for (const kind of ['polls', 'hours', 'timezones'] as const) {
    const path = values[kind];
    if (path === '') throw new UsageError(`--${kind} needs a file name`);
    if (path !== undefined) files[kind] = path;
  }
  if (Object.keys(files).length === 0) throw new UsageError('nothing to load: give --polls, --hours and/or --timezones');
  if (values.rejects === '') throw new UsageError('--rejects needs a file name');
  return { files, replace: values.replace ?? false, rejects: values.rejects };
}

/**
 * Progress on stderr: a bar redrawn in place on a terminal; otherwise (logs, CI) a plain line at
 * most once a second, so short runs print none and logs stay short.
 */
export class ProgressReporter {
  private lastDraw = 0;
  private lastLine: number;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly now: () => number = Date.now,
  ) {
    this.lastLine = now();
  }

  update(progress: IngestProgress): void {
    const time = this.now();
    const indexing = progress.phase === 'indexing';
    if (this.out.isTTY) {
      if (time - this.lastDraw < 100 && !indexing) return;
      this.lastDraw = time;
      this.out.write(`\r\x1b[K${renderProgressBar(progress, this.out.columns ?? 80)}`);
      return;
    }
    if (time - this.lastLine < 1000 && !indexing) return;
    this.lastLine = time;
    if (indexing) {
      this.out.write(`ingest: ${progress.kind}: ${formatCount(progress.rowsRead)} rows read; building the key and indexes\n`);
      return;
    }
    const percent = progress.fraction === null ? '' : ` (~${Math.round(progress.fraction * 100)}%)`;
    this.out.write(`ingest: ${progress.kind}: ${formatCount(progress.rowsRead)} rows read${percent}\n`);
  }

  /** Clears the bar line before normal output. */
  done(): void {
    if (this.out.isTTY && this.lastDraw > 0) this.out.write('\r\x1b[K');
  }
}

export function renderProgressBar(progress: IngestProgress, columns: number): string {
  const label = `${progress.kind.padEnd(9)} ${formatCount(progress.rowsRead).padStart(11)} rows`;
  if (progress.phase === 'indexing') return `${label}, building the key and indexes…`;
  if (progress.fraction === null) return label;
  const percent = `${String(Math.floor(progress.fraction * 100)).padStart(3)}%`;
  const width = Math.max(10, Math.min(40, columns - label.length - percent.length - 6));
  const filled = Math.round(progress.fraction * width);
  return `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent}`;
}

function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** The human summary: one line per file, skip counts by reason, the first skipped rows. */
export function formatIngestSummary(result: IngestResult, seconds: number): string[] {
  const lines: string[] = [];
  for (const file of result.files) {
    lines.push(formatFileLine(file));
    for (const sample of file.firstSkips) {
      lines.push(`  line ${sample.line}: ${sample.reason}: ${sample.text.slice(0, 160)}`);
    }
  }
  for (const warning of result.warnings) lines.push(`warning: ${warning}`);
  const rate = seconds > 0 ? Math.round(result.rowsRead / seconds) : 0;
  lines.push(
    `ingest: ${formatCount(result.rowsLoaded)} rows loaded, ${formatCount(result.rowsSkipped)} skipped, in ${seconds.toFixed(2)} s (${formatCount(rate)} rows/s)`,
  );
  return lines;
}

function formatFileLine(file: FileIngestResult): string {
  const reasons = Object.entries(file.skipped)
    .map(([reason, count]) => `${reason} ${formatCount(count)}`)
    .join(', ');
  const skipped = file.rowsRead - file.rowsLoaded;
  const verb = file.replaced ? 'replaced with' : file.mode === 'bulk' ? 'loaded (was empty)' : 'appended';
  return (
    `ingest: ${file.kind}: ${file.path} -> ${file.table} ${verb} ${formatCount(file.rowsLoaded)} rows` +
    ` of ${formatCount(file.rowsRead)}` +
    (skipped > 0 ? `; skipped ${formatCount(skipped)} (${reasons})` : '')
  );
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(HELP);
    return 0;
  }
  let args: IngestArgs;
  try {
    args = parseIngestArgs(argv);
  } catch (error) {
    console.error(`ingest: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const url = databaseUrlFromEnv();
  const target = describeDatabaseUrl(url);
  console.log(`ingest: into ${target}`);
  const pool = new Pool({ connectionString: url, max: 1 });
  const progress = new ProgressReporter(process.stderr);
  const started = process.hrtime.bigint();
  try {
    const result = await ingestFiles(pool, args.files, {
      replace: args.replace,
      rejectsPath: args.rejects,
      onProgress: (update) => progress.update(update),
    });
    progress.done();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const line of formatIngestSummary(result, seconds)) console.log(line);
    return 0;
  } catch (error) {
    progress.done();
    if (error instanceof InputFileError) {
      console.error(`ingest: ${error.message} (nothing was loaded)`);
      return 2;
    }
    console.error(`ingest: failed, nothing was loaded into ${target}: ${describeConnectError(error, url)}`);
    return 1;
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
