import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { chromium, type Browser } from 'playwright-core';
import supertest from 'supertest';
import { DataSource } from 'typeorm';
import { dataSourceOptionsFromUrl } from '@store-uptime/db';
import { createApiApp } from '../../apps/api/src/api-app';
import { createWorkerApp } from '../../apps/worker/src/worker-app';
import { OpenApiContract } from '../../scripts/openapi/openapi-contract';
import { ensureBuilt } from '../faults/support/harness';
import { insertPolls } from '../support/insert-polls';
import { DST_WEEK_NOWS, mulberry32, randomStores, type RandomStores } from '../support/random-stores';
import { contractRequest } from './support/contract-client';
import { COMPILED_THREAD_ENTRY, createTestKey, createTestNamespace, httpGet, pollUntil, type TestNamespace } from './support/test-services';
import { insertStoreHoursAndZones } from '../support/insert-stores';

/**
 * A complete report's results beyond the CSV, end to end on the real services: its rows as JSON
 * (GET /reports/{id}/stores), as JSON Lines, and the report page in Debian's Chromium (driven by
 * playwright-core; scripts/services/ensure-chromium.sh installs it when missing). One report of
 * 800 random stores serves every case; the CSV the worker uploaded is the reference.
 */

type Server = Parameters<typeof supertest>[0];
type Row = Record<string, string | number>;

const STORES = 800;
const DAY_MS = 86_400_000;
const AS_OF = DST_WEEK_NOWS[0];
const COLUMNS = ['store_id', 'uptime_last_hour', 'uptime_last_day', 'uptime_last_week', 'downtime_last_hour', 'downtime_last_day', 'downtime_last_week'];
const SCREENSHOT = join(__dirname, '..', '..', 'test-output', 'report-page.png');

let contract: OpenApiContract | undefined;
let adminKey: string | undefined;
const request = contractRequest(() => contract, () => adminKey);

/** The body of an answer supertest does not buffer by itself (application/x-ndjson). */
function asText(response: any, done: (error: Error | null, body: string) => void): void {
  let text = '';
  response.setEncoding('utf8');
  response.on('data', (chunk: string) => (text += chunk));
  response.on('end', () => done(null, text));
}

async function loadStores(url: string, stores: RandomStores): Promise<void> {
  await insertStoreHoursAndZones(url, stores);
  const dataSource = await new DataSource(dataSourceOptionsFromUrl(url)).initialize();
  try {
    await insertPolls(dataSource, stores.polls);
  } finally {
    await dataSource.destroy();
  }
}

/** The CSV's lines as rows, numbers parsed: what every other form must equal. */
function csvRows(csv: string): Row[] {
  const [header, ...lines] = csv.trim().split('\n');
  expect(header.split(',')).toEqual(COLUMNS);
  return lines.map((line) => {
    const [storeId, ...values] = line.split(',');
    return Object.fromEntries([['store_id', storeId], ...values.map((value, i) => [COLUMNS[i + 1], Number(value)])]) as Row;
  });
}

describe('a report as data and as a page', () => {
  let ns: TestNamespace;
  let api: INestApplication;
  let worker: INestApplication;
  let server: Server;
  let baseUrl: string;
  let reportId: string;
  let reference: Row[];
  const envBefore = { ...process.env };

  beforeAll(async () => {
    ensureBuilt();
    ns = await createTestNamespace();
    adminKey = await createTestKey(ns.database.url, { name: 'e2e', owner: 'e2e', scopes: ['admin'] });
    await loadStores(ns.database.url, randomStores(mulberry32(12), STORES, Date.parse(AS_OF) - 9 * DAY_MS, Date.parse(AS_OF) + DAY_MS));
    api = await createApiApp({ env: ns.env(), ignoreEnvFile: true, shutdownHooks: false });
    await api.listen(0, '127.0.0.1');
    server = api.getHttpServer() as Server;
    baseUrl = `http://127.0.0.1:${(api.getHttpServer().address() as AddressInfo).port}`;
    contract = new OpenApiContract((await supertest(server).get('/docs-json').expect(200)).body as ConstructorParameters<typeof OpenApiContract>[0]);
    worker = await createWorkerApp({ env: ns.env(), ignoreEnvFile: true, shutdownHooks: false, computeThreadEntry: COMPILED_THREAD_ENTRY });
    await worker.init();

    const trigger = await request(server).post('/reports').send({ as_of: AS_OF, method: 'hourly' }).expect(202);
    reportId = trigger.body.id as string;
    await pollUntil(
      async () => (await request(server).get(`/reports/${reportId}`).expect(200)).body as { status: string },
      (body) => body.status !== 'queued' && body.status !== 'running',
      60_000,
    );
    const download = await request(server).get(`/reports/${reportId}/download`).expect(302);
    reference = csvRows((await httpGet(download.headers.location)).text);
  }, 120_000);

  afterAll(async () => {
    for (const app of [worker, api]) await app?.close().catch(() => undefined);
    await ns?.cleanup();
    for (const key of Object.keys(process.env)) if (!(key in envBefore)) delete process.env[key];
    Object.assign(process.env, envBefore);
  });

  it('pages GET /reports/{id}/stores through every row of the CSV, row for row', async () => {
    // Stores with no poll in the week are not in a report.
    expect(reference.length).toBeGreaterThan(STORES * 0.9);
    const rows: Row[] = [];
    let next: string | null = `/reports/${reportId}/stores?limit=500`;
    let pages = 0;
    while (next) {
      const page = await request(server).get(next).expect(200);
      expect(page.body.report_id).toBe(reportId);
      rows.push(...(page.body.items as Row[]));
      next = page.body.next as string | null;
      pages++;
    }
    expect(pages).toBe(Math.ceil(reference.length / 500));
    expect(rows).toEqual(reference);
  });

  it('sorts and filters as the CSV sorted and filtered by hand says', async () => {
    const expected = reference
      .filter((row) => (row.downtime_last_week as number) >= 10 && (row.uptime_last_hour as number) <= 30)
      .sort((a, b) => (b.downtime_last_week as number) - (a.downtime_last_week as number) || (a.store_id < b.store_id ? 1 : -1));
    expect(expected.length).toBeGreaterThan(20);
    const rows: Row[] = [];
    let next: string | null = `/reports/${reportId}/stores?sort=downtime_last_week&order=desc&min_downtime_last_week=10&max_uptime_last_hour=30&limit=7`;
    while (next) {
      const page = await request(server).get(next).expect(200);
      rows.push(...(page.body.items as Row[]));
      next = page.body.next as string | null;
    }
    expect(rows).toEqual(expected);
    const chosen = [reference[5].store_id, reference[3].store_id, 'no-such-store'];
    const picked = await request(server).get(`/reports/${reportId}/stores`).query({ store_id: chosen }).expect(200);
    expect(picked.body.items).toEqual([reference[3], reference[5]]);
  });

  it.each([
    ['?format=jsonl', {}],
    ['', { Accept: 'application/x-ndjson' }],
  ])('streams the same rows as JSON Lines (download%s %j)', async (query, headers) => {
    const answer = await request(server).get(`/reports/${reportId}/download${query}`).set(headers).buffer(true).parse(asText).expect(200);
    expect(answer.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    const text = answer.body as string;
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trim().split('\n').map((line) => JSON.parse(line) as Row)).toEqual(reference);
  });

  it('answers bad queries 400, an unknown or another owner\'s report 404 and a cancelled one 409, as the download does', async () => {
    const bad = await request(server).get(`/reports/${reportId}/stores?sort=rank&min_downtime_last_week=lots&bogus=1`).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['bogus', 'min_downtime_last_week', 'sort']);
    const otherOrdering = (await request(server).get(`/reports/${reportId}/stores?limit=1`).expect(200)).body.next as string;
    await request(server).get(`${otherOrdering}&order=desc`).expect(400);
    await request(server).get(`/reports/${reportId}/download?format=xml`).expect(400);
    await request(server).get(`/reports/${'0'.repeat(32)}/stores`).expect(404);
    const otherKey = await createTestKey(ns.database.url, { name: 'other', owner: 'someone-else', scopes: ['reports:read', 'reports:write'] });
    await supertest(server).get(`/reports/${reportId}/stores`).set('Authorization', `Bearer ${otherKey}`).expect(404);
    await supertest(server).get(`/reports/${reportId}/download?format=jsonl`).set('Authorization', `Bearer ${otherKey}`).expect(404);
    // A report cancelled before any worker took it (the worker is busy with none, so cancel at once).
    await worker.close();
    const queued = (await request(server).post('/reports').send({}).expect(202)).body.id as string;
    await request(server).post(`/reports/${queued}/cancel`).expect(202);
    const cancelled = await request(server).get(`/reports/${queued}/stores`).expect(409);
    expect(cancelled.body.type).toContain('cancelled');
    await request(server).get(`/reports/${queued}/download?format=jsonl`).expect(409);
  });

  describe('the report page in Chromium', () => {
    let browser: Browser;

    beforeAll(async () => {
      execFileSync('bash', [join(__dirname, '..', '..', 'scripts', 'services', 'ensure-chromium.sh')], { stdio: 'inherit' });
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
    });

    it('serves the page and its files without a key, and refuses an id that is not one', async () => {
      const page = await supertest(server).get(`/reports/${reportId}/view`).expect(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.text).toMatch(/^<!doctype html>/);
      expect(page.text).not.toMatch(/<script>|<style>/);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      await supertest(server).get('/report-page/assets/uPlot.iife.min.js').expect(200).expect('Content-Type', /javascript/);
      await supertest(server).get('/report-page/assets/..%2F..%2Fpackage.json').expect(404);
      await supertest(server).get('/reports/nope/view').expect(400);
    });

    it('asks for a key once, shows the report, sorts its rows and draws a store\'s week, with no console error', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      page.on('pageerror', (error) => problems.push(error.message));
      // Waits for the page to reach a state; on a timeout, says what the page said meanwhile.
      const reach = async (selector: string, timeout = 15_000) => {
        await page.waitForSelector(selector, { state: 'attached', timeout }).catch(async (error: Error) => {
          const html = (await page.content()).slice(0, 600);
          throw new Error(`${error.message}\npage ${html}\nconsole: ${problems.join(' | ')}`);
        });
      };
      try {
        await page.goto(`${baseUrl}/reports/${reportId}/view`);
        await reach('body[data-state="needs-key"]');
        // The 401 the page met before asking is the API's answer, not a page error; the rest must be clean.
        problems.length = 0;
        await page.fill('#key-input', adminKey!);
        await page.click('#key-form button');
        await reach('body[data-state="ready"]');

        expect(await page.getAttribute('#row-count', 'data-shown')).toBe(String(reference.length));
        expect(await page.textContent('[data-field="stores"]')).toBe(String(reference.length));
        expect(await page.textContent('[data-field="status"]')).toBe('complete');
        const firstIds = () => page.$$eval('#table-body .row', (rows) => rows.slice(0, 5).map((row) => row.getAttribute('data-store-id')));
        expect(await firstIds()).toEqual(reference.slice(0, 5).map((row) => row.store_id));

        // Twice on the column: descending.
        await page.click('[data-column="downtime_last_week"] button');
        await page.click('[data-column="downtime_last_week"] button');
        expect(await page.getAttribute('[data-column="downtime_last_week"]', 'aria-sort')).toBe('descending');
        const byDowntime = [...reference].sort((a, b) => (b.downtime_last_week as number) - (a.downtime_last_week as number) || (a.store_id < b.store_id ? 1 : -1));
        expect(await firstIds()).toEqual(byDowntime.slice(0, 5).map((row) => row.store_id));

        await page.fill('#filter-downtime', '10');
        expect(await page.getAttribute('#row-count', 'data-shown')).toBe(String(reference.filter((row) => (row.downtime_last_week as number) >= 10).length));

        await page.click('#table-body .row >> nth=0');
        await reach('#chart[data-state="drawn"]');
        expect(await page.getAttribute('#chart', 'data-store-id')).toBe(byDowntime[0].store_id);
        // The chart's canvas has drawn pixels (not a blank canvas).
        const inked = await page.$eval('#chart canvas', (canvas: any) => {
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height) as { data: Uint8ClampedArray };
          let count = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) count++;
          return count;
        });
        expect(inked).toBeGreaterThan(1000);

        // The key is kept for the session: a reload asks no more.
        await page.reload();
        await reach('body[data-state="ready"]');
        mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
        // A store with polls on most days, for the screenshot.
        await page.fill('#filter-store', 'st-0004');
        await page.click('#table-body .row >> nth=0');
        await reach('#chart[data-state="drawn"]');
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  });
});
