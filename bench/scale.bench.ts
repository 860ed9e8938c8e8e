/**
 * `npm run bench:scale`: one report over K× the sample fleet (default 10×: 141 k stores, 17.9 M
 * polls in the week), end to end through the service with ONE worker computing it unsharded.
 *
 *   1. the K× fleet: generated polls plus hours and zones for the added stores
 *      (bench/full-scale-data.ts, made once and cached);
 *   2. ingest into a fresh database with `npm run ingest`'s code;
 *   3. the built API and one worker as separate processes; trigger → Complete for --runs reports
 *      (after a warm-up one), and the worker process's peak RSS (VmHWM: its compute thread included);
 *   4. a projection for 100× from these figures, assuming every part grows linearly (which the
 *      measured 1× → 10× step can confirm: run it with --scale 1 too).
 * The downloaded CSV's SHA-256 is printed, to compare with `report:csv` on the same files.
 *
 *   npm run build && nice npm run bench:scale [-- --scale 10 --runs 2]
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { localServices } from '@store-uptime/config';
import { ingestFiles } from '@store-uptime/db';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { createMigratedDatabase } from '../test/support/temp-database';
import { deleteBucketAndObjects } from '../scripts/faults/namespace';
import { freePort, sleep, startApp, stop, waitReady } from './bench-apps';
import { scaledFleet } from './full-scale-data';

const { values } = parseArgs({ options: { scale: { type: 'string', default: '10' }, runs: { type: 'string', default: '2' } } });
const scale = Math.max(1, Number(values.scale));
const runs = Math.max(1, Number(values.runs));

const benchServices = localServices(process.env, 'BENCH_');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => loadavg()[0].toFixed(1);
const mb = (bytes: number) => `${Math.round(bytes / 2 ** 20).toLocaleString('en-US')} MB`;

/** Peak resident memory of a process so far (Linux VmHWM), in bytes. */
function peakRss(pid: number): number {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return match ? Number(match[1]) * 1024 : NaN;
}

async function triggerToComplete(api: string): Promise<{ seconds: number; id: string }> {
  const started = performance.now();
  const trigger = await fetch(`${api}/trigger_report`, { method: 'POST' });
  if (trigger.status !== 200) throw new Error(`trigger answered ${trigger.status}: ${await trigger.text()}`);
  const { report_id: id } = (await trigger.json()) as { report_id: string };
  for (;;) {
    const body = (await (await fetch(`${api}/get_report?report_id=${id}`)).json()) as { status: string; error?: string };
    if (body.status === 'Complete') return { seconds: (performance.now() - started) / 1000, id };
    if (body.status === 'Failed') throw new Error(`report failed: ${body.error}`);
    await sleep(50);
  }
}

async function main(): Promise<void> {
  console.log(`bench:scale — ${scale}× the sample fleet, one worker, unsharded; ${cpus().length} CPUs, load ${load()}`);
  const files = scaledFleet(scale);
  const run = randomBytes(4).toString('hex');
  const db = await createMigratedDatabase(benchServices.databaseUrl, 'uptime_bench');
  const prefix = `bench-scale-${run}`;
  const bucket = `su-bench-${run}`;
  const children: ChildProcess[] = [];
  try {
    const pool = new Pool({ connectionString: db.url, max: 2 });
    const ingestStarted = performance.now();
    const ingest = await ingestFiles(pool, files);
    await pool.end();
    const loaded = ingest.files.map((file) => `${file.rowsLoaded.toLocaleString('en-US')} ${file.kind}`).join(', ');
    console.log(`ingest: ${loaded} in ${((performance.now() - ingestStarted) / 1000).toFixed(1)} s  [load ${load()}]`);

    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: benchServices.redisUrl,
      REDIS_PREFIX: prefix,
      S3_ENDPOINT: benchServices.s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: benchServices.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: benchServices.s3.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      TRIGGER_RATE_LIMIT: '0',
      // Keys are measured by bench:service; this bench is about the report.
      API_AUTH: 'off',
    };
    const api = startApp('api', env);
    const worker = startApp('worker', env);
    children.push(api, worker);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([waitReady(`${apiUrl}/health/ready`), waitReady(`http://127.0.0.1:${workerPort}/health/ready`)]);
    const idleRss = peakRss(worker.pid!);

    const warmUp = await triggerToComplete(apiUrl);
    console.log(`warm-up report: ${warmUp.seconds.toFixed(2)} s  [load ${load()}]`);
    const times: number[] = [];
    let last = warmUp;
    for (let i = 0; i < runs; i++) {
      last = await triggerToComplete(apiUrl);
      times.push(last.seconds);
      console.log(`report ${i + 1}: trigger → Complete ${last.seconds.toFixed(2)} s  [load ${load()}]`);
    }
    const peak = peakRss(worker.pid!);
    const { url } = (await (await fetch(`${apiUrl}/get_report?report_id=${last.id}`)).json()) as { url: string };
    const csv = Buffer.from(await (await fetch(url)).arrayBuffer());
    const stores = csv.toString('latin1').trimEnd().split('\n').length - 1;
    console.log(`report CSV: ${stores.toLocaleString('en-US')} stores, ${csv.length.toLocaleString('en-US')} bytes, sha256 ${createHash('sha256').update(csv).digest('hex')}`);
    await reportRowFigures(apiUrl, `http://127.0.0.1:${workerPort}`, last.id);
    const typical = median(times);
    console.log(
      `one worker, unsharded, ${scale}×: trigger → Complete ${typical.toFixed(2)} s (median of ${runs}); worker peak RSS ${mb(peak)} (idle ${mb(idleRss)})`,
    );
    console.log(
      `projection, if every part stays linear: 100× ≈ ${((typical * 100) / scale).toFixed(0)} s and ≈ ${mb(idleRss + ((peak - idleRss) * 100) / scale)} on one worker`,
    );
  } finally {
    for (const child of children) await stop(child);
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await deleteBucketAndObjects(bucket).catch(() => undefined);
    await db.drop();
  }
}

/**
 * What the report's rows as data cost at this scale: the worker's mean time per stage (the rows'
 * COPY is the `rows` stage) from its /metrics, and the API's reads of them: a page sorted by a
 * number, with a threshold, and the whole report as JSON Lines.
 */
async function reportRowFigures(api: string, worker: string, id: string): Promise<void> {
  const metrics = await (await fetch(`${worker}/metrics`)).text();
  const stageMean = (stage: string) => {
    const sum = Number(metrics.match(new RegExp(`^report_stage_duration_seconds_sum\\{stage="${stage}"\\} (\\S+)`, 'm'))?.[1]);
    const count = Number(metrics.match(new RegExp(`^report_stage_duration_seconds_count\\{stage="${stage}"\\} (\\S+)`, 'm'))?.[1]);
    return `${stage} ${(sum / count).toFixed(2)} s`;
  };
  console.log(`worker stages (mean of ${runs + 1} reports): ${['load', 'compute', 'rows', 'upload'].map(stageMean).join(', ')}  [load ${load()}]`);
  const timed = async (path: string) => {
    const started = performance.now();
    const answer = await fetch(`${api}${path}`);
    const body = await answer.text();
    if (answer.status !== 200) throw new Error(`${path} answered ${answer.status}: ${body.slice(0, 200)}`);
    return { ms: performance.now() - started, body };
  };
  const pages: number[] = [];
  for (let i = 0; i < 5; i++) pages.push((await timed(`/reports/${id}/stores?sort=downtime_last_week&order=desc&min_downtime_last_week=1&limit=100`)).ms);
  const byStore: number[] = [];
  for (let i = 0; i < 5; i++) byStore.push((await timed(`/reports/${id}/stores?limit=1000`)).ms);
  const jsonl = await timed(`/reports/${id}/download?format=jsonl`);
  console.log(
    `report rows: page of 100 by downtime_last_week desc ${median(pages).toFixed(0)} ms, page of 1000 by store_id ${median(byStore).toFixed(0)} ms (medians of 5); ` +
      `JSON Lines ${jsonl.body.split('\n').length - 1} rows, ${(jsonl.body.length / 2 ** 20).toFixed(1)} MB in ${(jsonl.ms / 1000).toFixed(2)} s  [load ${load()}]`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
