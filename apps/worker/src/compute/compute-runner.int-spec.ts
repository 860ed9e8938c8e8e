import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptionsFromUrl, migrateUp } from '@store-uptime/db';
import { ensureBuilt } from '../../../../test/support/ensure-built';
import { createTempDatabase, type TempDatabase } from '../../../../test/support/temp-database';
import { loadFixture } from '../../../../test/e2e/support/fixture-data';
import { SERVICES } from '../../../../test/e2e/support/test-services';
import { reportTable } from '@store-uptime/uptime';
import { ComputeAbortedError, InlineComputeRunner, ThreadComputeRunner } from './compute-runner';
import type { ComputeStage } from './report-computation';

/**
 * The worker thread only exists compiled (dist/…/compute.thread.js); under ts-jest the worker
 * computes inline. This spec runs the compiled thread against the inline path on the same
 * database, building first when dist is missing or stale (scripts/build/ensure-build.sh, the
 * project's one staleness check).
 */
const ROOT = join(__dirname, '..', '..', '..', '..');
const ENTRY = join(ROOT, 'dist', 'apps', 'worker', 'src', 'compute', 'compute.thread.js');


describe('compute runners (worker thread vs inline)', () => {
  let database: TempDatabase;
  let dataSource: DataSource;
  let threads: ThreadComputeRunner;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTempDatabase(SERVICES.postgres, 'uptime_thread');
    dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
    await dataSource.initialize();
    await migrateUp(dataSource);
    await loadFixture(database.url);
    threads = new ThreadComputeRunner(ENTRY, { databaseUrl: database.url, poolSettings: { statement_timeout: 60_000 } });
  });

  afterAll(async () => {
    await threads?.close();
    await dataSource?.destroy();
    await database?.drop();
  });

  it.each([
    [null, 'hourly'],
    ['2023-01-24T12:00:00Z', 'step'],
  ] as const)('computes in a thread exactly what it computes inline (as_of %s, %s)', async (asOf, method) => {
    const stages: ComputeStage['stage'][] = [];
    const inThread = await threads.run({ asOf, method }, (stage) => stages.push(stage.stage));
    const inline = await new InlineComputeRunner(dataSource).run({ asOf, method }, () => undefined);

    expect(stages).toEqual(['loaded', 'computed']);
    expect(inThread.rows).toBe(8);
    expect(inThread.nowUs).toBe(inline.nowUs);
    expect(inThread.pollsRead).toBe(inline.pollsRead);
    // Every row, all seven columns, as the CSV writer will read them.
    expect(reportTable(inThread.report).objects()).toEqual(reportTable(inline.report).objects());
    expect(reportTable(inThread.report).numRows()).toBe(8);
  });

  it('stops the thread when the run is aborted, and serves the next run with a new one', async () => {
    const controller = new AbortController();
    const running = threads.run({ asOf: null, method: 'hourly' }, () => undefined, controller.signal);
    controller.abort('shutting down');
    await expect(running).rejects.toBeInstanceOf(ComputeAbortedError);

    const next = await threads.run({ asOf: null, method: 'hourly' }, () => undefined);
    expect(next.rows).toBe(8);
  });

  it('closes each thread by ending its PostgreSQL pool, so the thread exits by itself (code 0)', async () => {
    const runner = new ThreadComputeRunner(ENTRY, { databaseUrl: database.url, poolSettings: {} });
    runner.warmUp(2);
    await runner.run({ asOf: null, method: 'hourly' }, () => undefined);
    // A thread that had to be stopped would exit with code 1.
    await expect(runner.closeThreads()).resolves.toEqual([0, 0]);
    await expect(runner.run({ asOf: null, method: 'hourly' }, () => undefined)).rejects.toBeInstanceOf(ComputeAbortedError);
  });

  it('reports a database failure as an error of the run', async () => {
    const broken = new ThreadComputeRunner(ENTRY, {
      databaseUrl: database.url.replace(/\/[^/]+$/, '/no_such_database_here'),
      poolSettings: { connectionTimeoutMillis: 2_000 },
    });
    try {
      await expect(broken.run({ asOf: null, method: 'hourly' }, () => undefined)).rejects.toThrow(/no_such_database_here/);
    } finally {
      await broken.close();
    }
  });
});
