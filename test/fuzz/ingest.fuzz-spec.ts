import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Pool } from 'pg';
import { InputFileError, readHoursFile, readPollsFile, readTimezonesFile } from '@store-uptime/csv';
import { ingestFiles, type InputKind, type IngestResult } from '@store-uptime/db';
import { createMigratedDatabase } from '../support/temp-database';
import { FIXTURE_FILES, MACHINE_SERVICES } from '../../scripts/faults/namespace';
import { childEnv, REPO_ROOT } from '../../scripts/faults/processes';
import { fuzzSeed, SeededRandom } from '../../scripts/faults/seeded-random';
import { ensureBuilt } from '../faults/support/harness';

const SEED = fuzzSeed(7_031_977);
const CASES = Number(process.env.FUZZ_INGEST_CASES ?? 45);

const TABLES: Record<InputKind, string> = { polls: 'store_status', hours: 'business_hours', timezones: 'store_timezones' };
const HEADERS: Record<InputKind, string[]> = {
  polls: ['store_id', 'status', 'timestamp_utc'],
  hours: ['store_id', 'day', 'start_time_local', 'end_time_local'],
  timezones: ['store_id', 'timezone_str'],
};
const READERS = { polls: readPollsFile, hours: readHoursFile, timezones: readTimezonesFile };

function storeId(rng: SeededRandom): string {
  return rng.pick([() => String(rng.int(1, 10 ** 18)), () => rng.string(36, '0123456789abcdef-'), () => `store-${rng.int(1, 50)}`, () => '🏪-' + rng.int(1, 9)])();
}

function timestamp(rng: SeededRandom): string {
  const ok = `2023-01-${String(rng.int(18, 25)).padStart(2, '0')} ${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}.${rng.string(rng.int(0, 6), '0123456789')} UTC`;
  return rng.chance(0.8) ? ok : rng.pick(['2023-02-30 10:00:00 UTC', '2023-01-25T10:00:00Z', 'NaN', '', '9999-99-99 99:99:99 UTC', ok.replace(' UTC', ''), `${ok} junk`, ok.replace('2023', '20x3')]);
}

function time(rng: SeededRandom): string {
  const ok = `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
  return rng.chance(0.85) ? ok : rng.pick(['24:00:00', '23:60:00', '9:00', '', 'noon', '-01:00:00', `${ok}.5`]);
}

/** One data row, valid most of the time. */
function validRow(kind: InputKind, rng: SeededRandom): string[] {
  if (kind === 'polls') return [storeId(rng), rng.pick(['active', 'inactive', ' Active ', 'INACTIVE', 'paused', '']), timestamp(rng)];
  if (kind === 'hours') return [storeId(rng), rng.pick(['0', '3', '6', '7', '-1', 'Mon', '']), time(rng), time(rng)];
  return [storeId(rng), rng.pick(['America/Chicago', 'Asia/Kolkata', 'Not/AZone', '', 'UTC'])];
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** A malformed line (as bytes): what broken exports, binary files and hostile input contain. */
function badLine(kind: InputKind, rng: SeededRandom): Buffer {
  const fields = validRow(kind, rng);
  return rng.pick([
    () => Buffer.from(fields.slice(0, rng.int(0, fields.length - 1)).join(',')),
    () => Buffer.from([...fields, 'extra', 'more'].join(',')),
    () => Buffer.from(fields.map(() => '').join(',')),
    () => Buffer.from(rng.bytes(rng.int(1, 300)).filter((b) => b !== 0x0a)),
    () => Buffer.from([`${fields[0]}\u0000x`, ...fields.slice(1)].join(',')),
    () => Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(`,${fields.slice(1).join(',')}`)]),
    () => Buffer.from([rng.string(rng.int(100_000, 400_000), 'abcdef0123'), ...fields.slice(1)].join(',')),
    () => Buffer.from(`"${fields.join(',')}`),
    () => Buffer.from(fields.map((f) => `"${f.replace(/"/g, '""')},\n""x"""`).join(',')),
    () => Buffer.from(fields.map(csvField).join(',') + '\r'),
    () => Buffer.from('   \t  '),
    () => Buffer.from(fields.join(',') + ','),
    () => Buffer.from(`"${fields[0]}"x,${fields.slice(1).join(',')}`),
  ])();
}

interface FuzzFile {
  name: string;
  bytes: Buffer;
}

function headerLine(kind: InputKind, rng: SeededRandom): string {
  const header = [...HEADERS[kind]];
  return rng.pick([
    () => header.join(','),
    () => header.join(','),
    () => `\uFEFF${header.join(',')}`,
    () => header.map((h) => h.toUpperCase()).join(','),
    () => [...header].reverse().join(','),
    () => [...header, 'extra_column'].join(','),
    () => header.map((h) => `"${h}"`).join(','),
    () => header.slice(1).join(','),
    () => [header[0], header[0], ...header.slice(1)].join(','),
    () => '',
    () => Buffer.from(rng.bytes(20).filter((b) => b !== 0x0a)).toString('latin1'),
    () => (kind === 'hours' ? 'store_id,dayOfWeek,start_time_local,end_time_local' : header.join(',')),
  ])();
}

/** One seeded malformed input file for `kind`. */
function fuzzFile(kind: InputKind, rng: SeededRandom, index: number): FuzzFile {
  const eol = rng.pick(['\n', '\r\n', '\n', '\r']);
  const lines: Buffer[] = [Buffer.from(headerLine(kind, rng))];
  for (let i = rng.int(0, 250); i > 0; i--) {
    lines.push(rng.chance(0.75) ? Buffer.from(validRow(kind, rng).map(csvField).join(',')) : badLine(kind, rng));
  }
  let bytes: Buffer = Buffer.concat(lines.flatMap((line, i) => (i === 0 ? [line] : [Buffer.from(eol), line])));
  if (rng.chance(0.5)) bytes = Buffer.concat([bytes, Buffer.from(eol)]);
  const form = rng.int(0, 9);
  let name = `${kind}-${index}.csv`;
  if (form === 0) bytes = rng.bytes(rng.int(0, 5_000));
  else if (form === 1) {
    const zipped = gzipSync(bytes);
    bytes = zipped.subarray(0, rng.int(2, Math.max(3, zipped.length - 1)));
    name += '.gz';
  } else if (form === 2) {
    bytes = Buffer.concat([Buffer.from([0x1f, 0x8b]), rng.bytes(rng.int(0, 500))]);
    name += '.gz';
  } else if (form === 3) {
    bytes = gzipSync(bytes);
    name += '.gz';
  }
  return { name, bytes };
}

/**
 * Bad input: seeded malformed CSV files (wrong or missing columns, binary junk, invalid
 * UTF-8, NUL bytes, very long lines, unbalanced quotes, stray CRs, truncated or fake gzip) through
 * the real ingest into a real database with `--replace`. Each file either loads — every row read
 * is loaded or skipped and counted, and the table holds exactly the loaded rows — or fails with
 * one clear InputFileError (the CLI's exit 2) and leaves the table exactly as it was. Never any
 * other error, never a half-loaded table. `FUZZ_SEED=<n>` replays a failure.
 */
describe(`ingest fuzz (seed ${SEED})`, () => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  let pool: Pool;
  let scratch: string;

  beforeAll(async () => {
    ensureBuilt(); // the CLI cases run dist/apps/cli/src/ingest.js
    db = await createMigratedDatabase(MACHINE_SERVICES.postgres, 'uptime_fuzz');
    pool = new Pool({ connectionString: db.url, max: 2 });
    scratch = mkdtempSync(join(tmpdir(), 'su-fuzz-ingest-'));
    await ingestFiles(pool, FIXTURE_FILES, { replace: true });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** Row count and a digest of every table's full contents. */
  async function contents(): Promise<Record<string, string>> {
    const result: Record<string, string> = {};
    for (const table of Object.values(TABLES)) {
      const { rows } = await pool.query<{ n: number; digest: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM ${table} t`,
      );
      result[table] = `${rows[0].n}:${rows[0].digest}`;
    }
    return result;
  }

  async function count(table: string): Promise<number> {
    return (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
  }

  function write(file: FuzzFile): string {
    const path = join(scratch, file.name);
    writeFileSync(path, file.bytes);
    return path;
  }

  it(`loads or cleanly refuses ${CASES} malformed files, never leaving a table half-loaded`, async () => {
    const rng = new SeededRandom(SEED);
    const problems: string[] = [];
    let loaded = 0;
    let refused = 0;
    for (let i = 0; i < CASES && problems.length < 5; i++) {
      const kind = rng.pick(['polls', 'hours', 'timezones'] as const);
      const path = write(fuzzFile(kind, rng, i));
      const label = `FUZZ_SEED=${SEED} case #${i} (${kind}, ${path})`;
      const before = await contents();
      let result: IngestResult;
      try {
        result = await ingestFiles(pool, { [kind]: path }, { replace: true });
      } catch (error) {
        refused++;
        if (!(error instanceof InputFileError)) problems.push(`${label}: not a clear input error: ${String(error)}`);
        const after = await contents();
        if (JSON.stringify(after) !== JSON.stringify(before)) problems.push(`${label}: tables changed by a failed load`);
        continue;
      }
      loaded++;
      const file = result.files[0];
      const skipped = Object.values(file.skipped).reduce((sum, n) => sum + (n ?? 0), 0);
      if (file.rowsRead !== file.rowsLoaded + skipped) problems.push(`${label}: read ${file.rowsRead} ≠ loaded ${file.rowsLoaded} + skipped ${skipped}`);
      const inTable = await count(TABLES[kind]);
      if (inTable !== file.rowsLoaded) problems.push(`${label}: table holds ${inTable}, ingest says ${file.rowsLoaded}`);
      // The CSV command's readers see the same file the same way (one validation for both paths).
      const read = await READERS[kind](path);
      const readerRows = read.columns.store_id.length;
      // Except what only the database refuses (NUL characters, store ids too long to index).
      const skippedByDb = (file.skipped.nul_character ?? 0) + (file.skipped.store_id_too_long ?? 0);
      if (read.rowsRead !== file.rowsRead || readerRows !== file.rowsLoaded + skippedByDb) {
        problems.push(`${label}: readers read ${read.rowsRead}/kept ${readerRows}, ingest read ${file.rowsRead}/loaded ${file.rowsLoaded} (+${skippedByDb} refused by the database)`);
      }
    }
    expect(problems).toEqual([]);
    // The seed reaches both outcomes.
    expect(loaded).toBeGreaterThan(5);
    expect(refused).toBeGreaterThan(5);
  }, 180_000);

  it('rolls every table back when a later file of the same --replace run fails mid-stream', async () => {
    await ingestFiles(pool, FIXTURE_FILES, { replace: true });
    const before = await contents();
    // A valid poll file of ~1.5 MB whose gzip stream breaks near its end: COPY has already sent
    // most rows when the error comes.
    const rng = new SeededRandom(SEED + 1);
    const rows = Array.from({ length: 30_000 }, () => validRow('polls', rng).map(csvField).join(','));
    const zipped = gzipSync(Buffer.from(`${HEADERS.polls.join(',')}\n${rows.join('\n')}\n`));
    const polls = write({ name: 'polls-broken-late.csv.gz', bytes: zipped.subarray(0, zipped.length - 40) });
    const timezones = write({ name: 'tz-broken.csv.gz', bytes: gzipSync(Buffer.from('store_id,timezone_str\n1,UTC\n')).subarray(0, 30) });

    await expect(ingestFiles(pool, { polls, hours: FIXTURE_FILES.hours }, { replace: true })).rejects.toBeInstanceOf(InputFileError);
    expect(await contents()).toEqual(before);
    await expect(ingestFiles(pool, { polls: FIXTURE_FILES.polls, hours: FIXTURE_FILES.hours, timezones }, { replace: true })).rejects.toBeInstanceOf(
      InputFileError,
    );
    expect(await contents()).toEqual(before);
  }, 60_000);

  it.each([
    ['binary junk', Buffer.from(new SeededRandom(SEED + 2).bytes(4_000))],
    ['a missing column', Buffer.from('store_id,timestamp_utc\n1,2023-01-25 10:00:00 UTC\n')],
    ['an unbalanced quote', Buffer.from('store_id,status,timestamp_utc\n"1,active,2023-01-25 10:00:00 UTC\n2,active,2023-01-25 10:00:00 UTC\n')],
    ['a 2 MB line and NUL bytes', Buffer.from(`store_id,status,timestamp_utc\n${'9'.repeat(2_000_000)},active,2023-01-25 10:00:00 UTC\n1\u0000,active,2023-01-25 10:00:00 UTC\n`)],
    ['a truncated gzip', gzipSync(Buffer.from('store_id,status,timestamp_utc\n1,active,2023-01-25 10:00:00 UTC\n'.repeat(50))).subarray(0, 40)],
  ])('npm run ingest --replace on %s: exit 0 (rows counted) or 2 (one clear line), never a crash', (_name, bytes) => {
    const path = write({ name: `cli-${_name.replace(/\W+/g, '-')}.csv`, bytes });
    const before = spawnSync('psql', [db.url, '-Atc', "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM store_status t"], { encoding: 'utf8' }).stdout;
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'dist/apps/cli/src/ingest.js'), '--polls', path, '--replace'], {
      env: childEnv({ DATABASE_URL: db.url }),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect([0, 2]).toContain(run.status);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    if (run.status === 2) {
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(/^ingest: .*nothing was loaded/);
      const after = spawnSync('psql', [db.url, '-Atc', "SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM store_status t"], { encoding: 'utf8' }).stdout;
      expect(after).toBe(before);
    } else {
      expect(run.stdout).toMatch(/rows loaded, \d+ skipped/);
    }
  });
});
