import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { databaseUrlFromEnv, dataSourceOptionsFromUrl } from '../data-source-options';
import { ReportStatus } from '../entities/report.entity';
import { migrateUp } from '../migrate';
import { createTempDatabase, type TempDatabase } from '../../../../test/support/temp-database';
import { REPORT_TRANSITIONS, type ReportTransition } from './report-transitions';
import { ReportsRepository } from './reports.repository';

const newId = () => randomBytes(16).toString('hex');
const ALL_STATUSES = Object.values(ReportStatus);
const OUTCOME = { s3Key: 'reports/x.csv', storesCount: 3, pollsAfterNow: 2, nowUsed: new Date('2023-01-25T18:00:00Z'), warnings: [] };

describe('ReportsRepository on PostgreSQL', () => {
  let database: TempDatabase;
  let dataSource: DataSource;
  let reports: ReportsRepository;

  beforeAll(async () => {
    database = await createTempDatabase(databaseUrlFromEnv());
    dataSource = await new DataSource(dataSourceOptionsFromUrl(database.url, { poolSize: 20 })).initialize();
    await migrateUp(dataSource);
    reports = new ReportsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function reportIn(status: ReportStatus, createdSecondsAgo = 0): Promise<string> {
    const id = newId();
    await dataSource.query(`INSERT INTO reports (id, status, method, created_at) VALUES ($1, $2, 'hourly', now() - make_interval(secs => $3))`, [id, status, createdSecondsAgo]);
    return id;
  }

  const apply: Record<ReportTransition, (id: string) => Promise<boolean>> = {
    start: (id) => reports.start(id, 0.05),
    requeue: (id) => reports.requeue(id, 'attempt 1 failed'),
    complete: (id) => reports.complete(id, OUTCOME),
    fail: (id) => reports.fail(id, 'boom'),
    cancel: async (id) => (await reports.cancel(id))?.cancelled === true,
    expire: (id) => reports.expire(id),
  };

  // Every transition from every state, against the SQL itself: applied exactly when allowed.
  const cases = (Object.keys(REPORT_TRANSITIONS) as ReportTransition[]).flatMap((transition) =>
    ALL_STATUSES.map((from) => [transition, from, (REPORT_TRANSITIONS[transition].from as readonly string[]).includes(from)] as const),
  );
  it.each(cases)('%s from %s applies: %s', async (transition, from, allowed) => {
    const id = await reportIn(from);
    expect(await apply[transition](id)).toBe(allowed);
    const row = await reports.find(id);
    expect(row?.status).toBe(allowed ? REPORT_TRANSITIONS[transition].to : from);
  });

  it('records what a complete report found, and counts attempts', async () => {
    const id = await reportIn(ReportStatus.queued);
    expect(await reports.start(id, 0.05)).toBe(true);
    expect(await reports.start(id, 0.05)).toBe(true);
    expect(await reports.complete(id, OUTCOME)).toBe(true);
    expect(await reports.find(id)).toMatchObject({ status: 'complete', attempts: 2, progress: 1, s3Key: 'reports/x.csv', storesCount: 3, pollsAfterNow: 2 });
  });

  it('reads many rows in one call: those that exist, each as find reads it', async () => {
    const [queued, running] = [await reportIn(ReportStatus.queued), await reportIn(ReportStatus.running)];
    const rows = await reports.findMany([queued, newId(), running]);
    expect(rows.map((row) => row.id).sort()).toEqual([queued, running].sort());
    expect(rows.find((row) => row.id === running)).toEqual(await reports.find(running));
    expect(await reports.findMany([])).toEqual([]);
    await expect(reports.findMany(["x' OR true --"])).rejects.toThrow(/not a report id/);
  });

  it('says which state a cancel left, or which refused it; null for an unknown id', async () => {
    expect(await reports.cancel(await reportIn(ReportStatus.running))).toEqual({ cancelled: true, previous: 'running' });
    expect(await reports.cancel(await reportIn(ReportStatus.complete))).toEqual({ cancelled: false, status: 'complete' });
    expect(await reports.cancel(newId())).toBeNull();
  });

  it('fails a lost report only once it is older than the delay', async () => {
    const young = await reportIn(ReportStatus.running, 0);
    const old = await reportIn(ReportStatus.running, 120);
    expect(await reports.failLost(young, 'lost', 60)).toBe(false);
    expect(await reports.failLost(old, 'lost', 60)).toBe(true);
    expect(await reports.find(old)).toMatchObject({ status: 'failed', error: 'lost' });
  });

  it('races: of a cancel and a complete at the same instant, exactly one applies', async () => {
    for (let run = 0; run < Number(process.env.RACE_RUNS ?? 20); run++) {
      const id = await reportIn(ReportStatus.running);
      const [cancelled, completed] = await Promise.all([reports.cancel(id), reports.complete(id, OUTCOME)]);
      expect([cancelled?.cancelled, completed].filter(Boolean)).toHaveLength(1);
      expect((await reports.find(id))?.status).toBe(cancelled?.cancelled ? 'cancelled' : 'complete');
    }
  });

  it('races: two completes and a lost-sweep at once leave one outcome', async () => {
    for (let run = 0; run < Number(process.env.RACE_RUNS ?? 20); run++) {
      const id = await reportIn(ReportStatus.running, 120);
      const results = await Promise.all([reports.complete(id, OUTCOME), reports.complete(id, OUTCOME), reports.failLost(id, 'lost', 60)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const row = await reports.find(id);
      expect(row?.status).toBe(results[2] ? 'failed' : 'complete');
    }
  });

  describe('idempotency keys', () => {
    const key = (fingerprint = '{"method":"hourly"}') => ({ key: `key-${newId()}`, fingerprint, ttlHours: 24 });

    it('creates once, then returns the first report with its fingerprint', async () => {
      const k = key();
      const first = newId();
      expect(await reports.createWithIdempotencyKey({ id: first, asOf: null, method: 'hourly' }, k)).toEqual({ created: true });
      expect(await reports.createWithIdempotencyKey({ id: newId(), asOf: null, method: 'hourly' }, { ...k, fingerprint: 'other' })).toEqual({
        created: false,
        reportId: first,
        fingerprint: k.fingerprint,
      });
    });

    it('makes one report of ten identical requests arriving at the same instant', async () => {
      const k = key();
      const ids = Array.from({ length: 10 }, newId);
      const results = await Promise.all(ids.map((id) => reports.createWithIdempotencyKey({ id, asOf: null, method: 'hourly' }, k)));
      const created = ids.filter((_, i) => results[i]?.created);
      expect(created).toHaveLength(1);
      for (const result of results) if (!result.created) expect(result.reportId).toBe(created[0]);
      const [{ count }] = await dataSource.query(`SELECT count(*)::int AS count FROM reports WHERE id = ANY($1)`, [ids]);
      expect(count).toBe(1);
    });

    it('lets a key older than its lifetime start a new report, and deletes stale keys', async () => {
      const k = key();
      const first = newId();
      await reports.createWithIdempotencyKey({ id: first, asOf: null, method: 'hourly' }, k);
      await dataSource.query(`UPDATE report_idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [k.key]);
      const second = newId();
      expect(await reports.createWithIdempotencyKey({ id: second, asOf: null, method: 'hourly' }, k)).toEqual({ created: true });
      await dataSource.query(`UPDATE report_idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1`, [k.key]);
      expect(await reports.deleteStaleIdempotencyKeys(24)).toBeGreaterThanOrEqual(1);
      expect(await dataSource.query(`SELECT 1 FROM report_idempotency_keys WHERE key = $1`, [k.key])).toEqual([]);
    });
  });

  describe('listing', () => {
    it('pages newest first through reports with the same created_at, without gaps or repeats', async () => {
      const ids = Array.from({ length: 7 }, newId);
      // Same instant for all: the id breaks the tie.
      for (const id of ids) await dataSource.query(`INSERT INTO reports (id, method, created_at) VALUES ($1, 'step', '2020-01-01T00:00:00.123456Z')`, [id]);
      const seen: string[] = [];
      let after = null;
      for (let page = 0; page < 10; page++) {
        const result = await reports.list({ method: 'step', createdBefore: new Date('2020-01-02T00:00:00Z') }, 3, after);
        seen.push(...result.reports.map((r) => r.id));
        after = result.next;
        if (!after) break;
      }
      expect(seen).toEqual([...ids].sort().reverse());
    });

    it('filters by status and time', async () => {
      const id = newId();
      await dataSource.query(`INSERT INTO reports (id, status, created_at) VALUES ($1, 'cancelled', '2019-06-01T00:00:00Z')`, [id]);
      const page = await reports.list({ status: ReportStatus.cancelled, createdAfter: new Date('2019-05-31T00:00:00Z'), createdBefore: new Date('2019-06-02T00:00:00Z') }, 10, null);
      expect(page.reports.map((r) => r.id)).toEqual([id]);
      expect(page.next).toBeNull();
    });
  });
});
