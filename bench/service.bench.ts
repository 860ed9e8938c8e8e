/**
 * `npm run bench:service`: the service on full-scale data (~1.8 M polls, 14 k stores).
 *
 *   1. trigger → Complete: POST /trigger_report, poll GET /get_report until Complete (median of
 *      --runs, after one warm-up report); target ≤ 2.5 s;
 *   2. status reads per second with p50/p99 (autocannon, --connections, --seconds) against
 *      GET /get_report?report_id=…, each request for the next of many ids: every report completed
 *      above, and --pending reports queued while the queue is paused (each read is a Redis read
 *      of its own job, not one cached answer); target ≥ 5,000 reads/s with p99 < 20 ms. Every
 *      request carries an API key (reports:read + reports:write, not admin), so each read also
 *      verifies the key and checks the report's owner, as a client's would.
 *
 * Runs the built apps as separate processes (`node dist/apps/{api,worker}/src/main.js`, as in
 * production) on this machine's PostgreSQL, Redis and S3, in a database, Redis prefix and bucket of
 * its own that it removes afterwards. The poll file is generated once and cached (bench/full-scale-data.ts).
 *
 *   npm run build && npm run bench:service [-- --runs 5 --seconds 10 --connections 50 --pending 1000]
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { localServices } from '@store-uptime/config';
import { ApiKeysRepository, dataSourceOptionsFromUrl, ingestFiles, migrateUp } from '@store-uptime/db';
import { createTempDatabase } from '../test/support/temp-database';
import { QUEUES, workerConnection } from '@store-uptime/queue';
import { deleteBucketAndObjects } from '../scripts/faults/namespace';
import { benchAppEnv, freePort, sleep, startApp, stop, waitReady } from './bench-apps';
import { fullScalePolls, SAMPLE_HOURS, SAMPLE_TIMEZONES } from './full-scale-data';
import { describeReads, statusReads } from './status-reads';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    /** Reports queued (not run) for the in-flight status reads. */
    pending: { type: 'string', default: '1000' },
    'log-level': { type: 'string', default: 'info' },
    /** Keep the apps' JSON logs in <dir>/{api,worker}.log (default: discarded). */
    'log-dir': { type: 'string' },
  },
});

// The machine's services (libs/config/src/local-services.ts), overridden by BENCH_DATABASE_URL,
// BENCH_REDIS_URL and BENCH_S3_*; the run creates its own database, prefix and bucket on them.
const benchServices = localServices(process.env, 'BENCH_');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The bench's API key (made in main): every request carries it. */
let authorization: Record<string, string> = {};

async function triggerToComplete(api: string): Promise<{ seconds: number; id: string }> {
  const started = performance.now();
  const trigger = await fetch(`${api}/trigger_report`, { method: 'POST', headers: authorization });
  if (trigger.status !== 200) throw new Error(`trigger answered ${trigger.status}: ${await trigger.text()}`);
  const { report_id: id } = (await trigger.json()) as { report_id: string };
  for (;;) {
    const body = (await (await fetch(`${api}/get_report?report_id=${id}`, { headers: authorization })).json()) as { status: string; error?: string };
    if (body.status === 'Complete') return { seconds: (performance.now() - started) / 1000, id };
    if (body.status === 'Failed') throw new Error(`report failed: ${body.error}`);
    // A client polling every 20 ms; the measured time is at most this much late.
    await sleep(20);
  }
}

/** GET /get_report for `ids`, round robin (bench:status measures both status routes over more ids); authenticated, owner checked. */
async function readStatuses(api: string, ids: string[], label: string): Promise<void> {
  const options = { connections: Number(values.connections), seconds: Number(values.seconds), headers: authorization };
  console.log(describeReads(label, ids.length, await statusReads(api, ids, (id) => `/get_report?report_id=${id}`, options), options));
}

async function main(): Promise<void> {
  const run = randomBytes(4).toString('hex');
  const polls = fullScalePolls();
  const database = await createTempDatabase(benchServices.databaseUrl, 'uptime_bench');
  const prefix = `bench-${run}`;
  const bucket = `su-bench-${run}`;
  const children: ChildProcess[] = [];
  try {
    const dataSource = new DataSource(dataSourceOptionsFromUrl(database.url));
    await dataSource.initialize();
    await migrateUp(dataSource);
    const { key } = await new ApiKeysRepository(dataSource).create({ name: 'bench', owner: 'bench', scopes: ['reports:read', 'reports:write'] });
    authorization = { authorization: `Bearer ${key}` };
    await dataSource.destroy();
    const pool = new Pool({ connectionString: database.url });
    let started = performance.now();
    const ingest = await ingestFiles(pool, { polls, hours: SAMPLE_HOURS, timezones: SAMPLE_TIMEZONES });
    await pool.end();
    const loaded = ingest.files.map((file) => `${file.rowsLoaded.toLocaleString('en-US')} ${file.kind}`).join(', ');
    console.log(`data: ${polls}; ingested ${loaded} in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const [apiPort, workerPort] = [await freePort(), await freePort()];
    const env = {
      ...benchAppEnv(benchServices, { databaseUrl: database.url, redisPrefix: prefix, bucket, logLevel: values['log-level'] }),
      PORT: String(apiPort),
      WORKER_PORT: String(workerPort),
      TRIGGER_RATE_LIMIT: '0',
    };
    started = performance.now();
    children.push(startApp('api', env, values['log-dir']), startApp('worker', env, values['log-dir']));
    const api = `http://127.0.0.1:${apiPort}`;
    await Promise.all([waitReady(`${api}/health/ready`), waitReady(`http://127.0.0.1:${workerPort}/health/ready`)]);
    console.log(`api and worker ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    const warmUp = await triggerToComplete(api);
    console.log(`warm-up report: ${warmUp.seconds.toFixed(2)} s`);
    const runs = [];
    for (let i = 0; i < Number(values.runs); i++) runs.push(await triggerToComplete(api));
    const seconds = runs.map((r) => r.seconds);
    console.log(
      `trigger → Complete: median ${median(seconds).toFixed(2)} s, min ${Math.min(...seconds).toFixed(2)} s, ` +
        `max ${Math.max(...seconds).toFixed(2)} s over ${seconds.length} reports (target ≤ 2.5 s)`,
    );

    // The report is real: download it and count its rows.
    const last = runs[runs.length - 1];
    const { url } = (await (await fetch(`${api}/get_report?report_id=${last.id}`, { headers: authorization })).json()) as { url: string };
    const csv = await (await fetch(url)).text();
    console.log(`last report: ${csv.trim().split('\n').length - 1} stores, ${csv.length.toLocaleString('en-US')} bytes`);

    await readStatuses(api, [warmUp, ...runs].map((run) => run.id), 'Complete');

    // Reports in flight: pause the queue so their jobs wait, read their statuses, then drop them.
    const queue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
    await queue.pause();
    const pending: string[] = [];
    while (pending.length < Number(values.pending)) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(50, Number(values.pending) - pending.length) }, async () => {
          const answer = await fetch(`${api}/trigger_report`, { method: 'POST', headers: authorization });
          return ((await answer.json()) as { report_id: string }).report_id;
        }),
      );
      pending.push(...batch);
    }
    await readStatuses(api, pending, 'Running');
    await queue.obliterate({ force: true });
    await queue.close();
  } finally {
    for (const child of children) await stop(child);
    const cleanupQueue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
    await cleanupQueue.obliterate({ force: true }).catch(() => undefined);
    await cleanupQueue.close();
    await deleteBucketAndObjects(bucket);
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
