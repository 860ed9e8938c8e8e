import 'reflect-metadata';
import { join } from 'node:path';
import { databaseUrlFromEnv } from '@store-uptime/db';
import { createMigratedDatabase } from '../../../test/support/temp-database';
import { main } from './ingest';

const FIXTURES = join(__dirname, '../../../test/fixtures/db');

describe('npm run ingest', () => {
  let db: Awaited<ReturnType<typeof createMigratedDatabase>>;
  const savedUrl = process.env.DATABASE_URL;
  let stdout: string[];
  let stderr: string[];

  beforeAll(async () => {
    db = await createMigratedDatabase(databaseUrlFromEnv());
    process.env.DATABASE_URL = db.url;
  });

  afterAll(async () => {
    process.env.DATABASE_URL = savedUrl;
    await db?.drop();
  });

  beforeEach(() => {
    stdout = [];
    stderr = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void stdout.push(line));
    jest.spyOn(console, 'error').mockImplementation((line: string) => void stderr.push(line));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterEach(() => jest.restoreAllMocks());

  async function pollCount(): Promise<number> {
    const [row] = await db.dataSource.query('SELECT count(*)::int AS n FROM store_status');
    return row.n;
  }

  it('exits 0 when rows were skipped, and says how many and why', async () => {
    const code = await main(['--polls', join(FIXTURES, 'bad/polls_bad_rows.csv'), '--replace']);
    expect(code).toBe(0);
    expect(await pollCount()).toBe(5);
    // First the target, by name and without a password, so a wrong DATABASE_URL shows at once.
    expect(stdout[0]).toMatch(new RegExp(`^ingest: into database "${db.name}" on [^ ]+:\\d+`));
    expect(stdout[1]).toContain('replaced with 5 rows of 13; skipped 8 (empty_store_id 2, bad_status 2, bad_timestamp 2, wrong_field_count 2)');
    expect(stdout).toContain('  line 5: bad_status: 2,paused,2023-01-25 10:00:00 UTC');
  });

  const hours = ['--hours', join(FIXTURES, '2024/menu_hours.csv.gz')];
  it.each([
    ['a missing file', ['--polls', join(FIXTURES, 'nope.csv'), ...hours], 'nope.csv: no such file (nothing was loaded)'],
    ['a wrong header', [...hours, '--polls', join(FIXTURES, 'bad/wrong_header.csv')], 'missing column store_id, timestamp_utc (nothing was loaded)'],
    ['no file at all', ['--replace'], 'ingest: nothing to load'],
    ['an unknown option', ['--pols', 'x.csv', ...hours], "ingest: Unknown option '--pols'"],
  ])('exits 2 for %s with a clear message, and loads nothing', async (_label, argv, message) => {
    const before = await pollCount();
    const code = await main(argv);
    expect(code).toBe(2);
    expect(stderr[0]).toContain(message);
    expect(stderr[0].split('\n')[0]).toBe(stderr[0].split('\n')[0].trim());
    expect(await pollCount()).toBe(before);
  });

  it('exits 1 when the database cannot be reached', async () => {
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/none';
    try {
      expect(await main(['--polls', join(FIXTURES, '2024/store_status.csv')])).toBe(1);
    } finally {
      process.env.DATABASE_URL = db.url;
    }
    expect(stderr[0]).toBe('ingest: failed, nothing was loaded into database "none" on 127.0.0.1:1 as postgres: nothing answers there (is PostgreSQL running? npm run services starts it on this machine)');
  });

  it('exits 1 naming the fix when the database does not exist (never another database instead)', async () => {
    const missing = new URL(db.url);
    missing.pathname = '/store_uptime_missing_db';
    process.env.DATABASE_URL = missing.toString();
    try {
      expect(await main(['--polls', join(FIXTURES, '2024/store_status.csv')])).toBe(1);
    } finally {
      process.env.DATABASE_URL = db.url;
    }
    expect(stderr[0]).toMatch(/^ingest: failed, nothing was loaded into database "store_uptime_missing_db" on .*: the database "store_uptime_missing_db" does not exist: npm start creates it/);
  });

  it('answers --help with what it does and where it writes, without touching a database', async () => {
    process.env.DATABASE_URL = 'postgres://postgres@127.0.0.1:1/none';
    try {
      expect(await main(['--help'])).toBe(0);
    } finally {
      process.env.DATABASE_URL = db.url;
    }
    expect(stdout.join('\n')).toMatch(/^usage: npm run ingest -- .*DATABASE_URL, default postgres:\/\/postgres@127.0.0.1:5432\/store_uptime/s);
  });
});
