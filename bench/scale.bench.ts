/**
 * `npm run bench:scale`: one report over K× the sample fleet (default 10×: 141 k stores, 17.9 M
 * polls in the week), end to end through the service, computed two ways on the same database:
 * ONE worker unsharded, then TWO workers with the report fanned out over store ranges
 * (REPORT_SHARD_STORES, default the worker's own default).
 *
 *   1. the K× fleet: generated polls plus hours and zones for the added stores
 *      (bench/full-scale-data.ts, made once and cached);
 *   2. ingest into a fresh database with `npm run ingest`'s code;
 *   3. the built API and the worker(s) as separate processes; trigger → Complete for --runs reports
 *      (after a warm-up one), and each worker process's peak RSS (VmHWM: its compute thread included);
 *   4. the speed-up of two sharded workers over one unsharded, and each shard's own time (from its
 *      BullMQ job) and the assembly's;
 *   5. a projection for 100× from those per-shard costs: the shards of a 100× fleet spread over N
 *      workers, plus the assembly grown with the CSV.
 * Both CSVs' SHA-256 are printed (they must be equal), to compare with `report:csv` on the same files.
 *
 *   npm run build && nice npm run bench:scale [-- --scale 10 --runs 2 --shard-stores 20000]
 *   npm run bench:scale -- --database-url postgres://…/loaded   (the K× fleet already ingested: no ingest, nothing dropped)
 */
import type { ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Job, Queue } from 'bullmq';
import { Pool } from 'pg';
import { localServices } from '@store-uptime/config';
import { ingestFiles } from '@store-uptime/db';
import { validateWorkerEnv } from '@store-uptime/config';
import { QUEUES, REPORT_JOBS, workerConnection } from '@store-uptime/queue';
import { createMigratedDatabase } from '../test/support/temp-database';
import { deleteBucketAndObjects } from '../scripts/faults/namespace';
import { benchAppEnv, freePort, processCpu, sleep, startApp, stop, waitReady } from './bench-apps';
import { scaledFleet } from './full-scale-data';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '10' },
    runs: { type: 'string', default: '2' },
    'shard-stores': { type: 'string' },
    // A database already loaded with the K× fleet (an earlier `npm run ingest`): used as it is, kept afterwards.
    'database-url': { type: 'string' },
  },
});
const scale = Math.max(1, Number(values.scale));
const runs = Math.max(1, Number(values.runs));
/** The worker's own default unless given. */
const shardStores = Number(
  values['shard-stores'] ?? validateWorkerEnv({ DATABASE_URL: 'postgres://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', S3_BUCKET: 'unused-bucket' }).REPORT_SHARD_STORES,
);
/** Sharding off: more stores than any fleet here. */
const UNSHARDED = '1000000000';

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

/** CPU seconds used so far, machine-wide (busy time of all cores) and by the processes that do a report's work. */
interface CpuSnapshot {
  machine: number;
  workers: number;
  postgres: number;
  s3: number;
}

/** Ceph's daemons: the S3 server the workers write to (RGW) and the storage behind it. */
const S3_PROCESSES = new Set(['radosgw', 'ceph-osd', 'ceph-mon', 'ceph-mgr']);

/**
 * From /proc (Linux, 100 ticks a second): /proc/stat's busy time (everything but idle and iowait)
 * and each process's utime + stime, grouped. A process that exits between two snapshots drops out;
 * PostgreSQL's pooled backends and the workers live through a run.
 */
function cpuSnapshot(workerPids: readonly number[]): CpuSnapshot {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const snapshot: CpuSnapshot = { machine: (user + nice + system + irq + softirq + steal) / 100, workers: 0, postgres: 0, s3: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const used = processCpu(entry);
    if (!used) continue; // exited meanwhile
    if (workerPids.includes(Number(entry))) snapshot.workers += used.seconds;
    else if (used.name.startsWith('postgres')) snapshot.postgres += used.seconds;
    else if (S3_PROCESSES.has(used.name)) snapshot.s3 += used.seconds;
  }
  return snapshot;
}

function cpuSince(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  return { machine: after.machine - before.machine, workers: after.workers - before.workers, postgres: after.postgres - before.postgres, s3: after.s3 - before.s3 };
}

function describeCpu(cpu: CpuSnapshot, seconds: number): string {
  const rest = cpu.machine - cpu.workers - cpu.postgres - cpu.s3;
  return (
    `CPU ${cpu.machine.toFixed(1)} s (workers ${cpu.workers.toFixed(1)}, PostgreSQL ${cpu.postgres.toFixed(1)}, S3 ${cpu.s3.toFixed(1)}, ` +
    `API/Redis/bench/other ${rest.toFixed(1)}): ${(cpu.machine / seconds).toFixed(2)} of ${cpus().length} cores busy`
  );
}

interface Measured {
  /** trigger → Complete of each run after the warm-up. */
  times: number[];
  lastId: string;
  /** Machine CPU during each measured run, same order as times. */
  cpu: CpuSnapshot[];
  /** Peak and idle RSS of each worker process. */
  workers: { peak: number; idle: number }[];
  sha256: string;
  stores: number;
  bytes: number;
}

/** Starts `count` workers with `workerEnv`, runs a warm-up report and `runs` measured ones, stops the workers. */
async function measure(label: string, apiUrl: string, env: Record<string, string>, count: number, workerEnv: Record<string, string>): Promise<Measured> {
  const workers: ChildProcess[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      ports.push(port);
      workers.push(startApp('worker', { ...env, ...workerEnv, WORKER_PORT: String(port) }));
    }
    await Promise.all(ports.map((port) => waitReady(`http://127.0.0.1:${port}/health/ready`)));
    const idle = workers.map((worker) => peakRss(worker.pid!));
    const warmUp = await triggerToComplete(apiUrl);
    console.log(`${label}: warm-up report ${warmUp.seconds.toFixed(2)} s  [load ${load()}]`);
    const times: number[] = [];
    const cpu: CpuSnapshot[] = [];
    const workerPids = workers.map((worker) => worker.pid!);
    let last = warmUp;
    for (let i = 0; i < runs; i++) {
      const before = cpuSnapshot(workerPids);
      last = await triggerToComplete(apiUrl);
      times.push(last.seconds);
      cpu.push(cpuSince(before, cpuSnapshot(workerPids)));
      console.log(`${label}: report ${i + 1}: trigger → Complete ${last.seconds.toFixed(2)} s; ${describeCpu(cpu[i], last.seconds)}  [load ${load()}]`);
    }
    const peaks = workers.map((worker, i) => ({ peak: peakRss(worker.pid!), idle: idle[i] }));
    const { url } = (await (await fetch(`${apiUrl}/get_report?report_id=${last.id}`)).json()) as { url: string };
    const csv = Buffer.from(await (await fetch(url)).arrayBuffer());
    const stores = csv.toString('latin1').trimEnd().split('\n').length - 1;
    return { times, cpu, lastId: last.id, workers: peaks, sha256: createHash('sha256').update(csv).digest('hex'), stores, bytes: csv.length };
  } finally {
    for (const worker of workers) await stop(worker);
  }
}

/** Each shard's time on its worker and the parent's last run (the assembly), from their BullMQ jobs. */
async function shardTimings(queue: Queue, reportId: string): Promise<{ shards: number[]; assembly: number; timeline: string }> {
  const completed = await queue.getJobs(['completed'], 0, -1);
  const shardJobs = completed.filter((job) => job.name === REPORT_JOBS.shard && (job.data as { reportId?: string }).reportId === reportId);
  const shards = shardJobs.map((job) => ((job.finishedOn ?? NaN) - (job.processedOn ?? NaN)) / 1000);
  const parent = await Job.fromId(queue, reportId);
  // Where the wall time of a sharded report goes, from the jobs' own timestamps (ms, Redis-side
  // clocks of the workers): the trigger adds the parent; the parent plans and adds the shards.
  const triggered = parent?.timestamp ?? NaN;
  const at = (ms: number) => ((ms - triggered) / 1000).toFixed(2);
  const firstStart = Math.min(...shardJobs.map((job) => job.processedOn ?? NaN));
  const lastEnd = Math.max(...shardJobs.map((job) => job.finishedOn ?? NaN));
  const timeline =
    `from the trigger: first shard started ${at(firstStart)} s, last shard done ${at(lastEnd)} s, ` +
    `assembly started ${at(parent?.processedOn ?? NaN)} s, report done ${at(parent?.finishedOn ?? NaN)} s`;
  return { shards, assembly: ((parent?.finishedOn ?? NaN) - (parent?.processedOn ?? NaN)) / 1000, timeline };
}

async function main(): Promise<void> {
  console.log(`bench:scale — ${scale}× the sample fleet: one worker unsharded, then two workers sharded by ${shardStores.toLocaleString('en-US')} stores; ${cpus().length} CPUs, load ${load()}`);
  const files = scaledFleet(scale);
  const run = randomBytes(4).toString('hex');
  const given = values['database-url'];
  const db = given ? { url: given, drop: () => Promise.resolve() } : await createMigratedDatabase(benchServices.databaseUrl, 'uptime_bench');
  const prefix = `bench-scale-${run}`;
  const bucket = `su-bench-${run}`;
  const children: ChildProcess[] = [];
  const queue = new Queue(QUEUES.reports, { connection: workerConnection(benchServices.redisUrl), prefix });
  try {
    if (!given) {
      const pool = new Pool({ connectionString: db.url, max: 2 });
      const ingestStarted = performance.now();
      const ingest = await ingestFiles(pool, files);
      await pool.end();
      const loaded = ingest.files.map((file) => `${file.rowsLoaded.toLocaleString('en-US')} ${file.kind}`).join(', ');
      console.log(`ingest: ${loaded} in ${((performance.now() - ingestStarted) / 1000).toFixed(1)} s  [load ${load()}]`);
    }

    const apiPort = await freePort();
    const env = {
      ...benchAppEnv(benchServices, { databaseUrl: db.url, redisPrefix: prefix, bucket, logLevel: 'warn' }),
      TRIGGER_RATE_LIMIT: '0',
      // Keys are measured by bench:service; this bench is about the report.
      API_AUTH: 'off',
    };
    const api = startApp('api', { ...env, PORT: String(apiPort) });
    children.push(api);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await waitReady(`${apiUrl}/health/ready`);

    const one = await measure('one worker, unsharded', apiUrl, env, 1, { REPORT_SHARD_STORES: UNSHARDED });
    const two = await measure('two workers, sharded', apiUrl, env, 2, { REPORT_SHARD_STORES: String(shardStores) });
    const { shards, assembly, timeline } = await shardTimings(queue, two.lastId);
    await reportRowFigures(apiUrl, two.lastId);

    for (const [label, measured] of [['one worker, unsharded', one], ['two workers, sharded', two]] as const) {
      console.log(`${label}: CSV ${measured.stores.toLocaleString('en-US')} stores, ${measured.bytes.toLocaleString('en-US')} bytes, sha256 ${measured.sha256}`);
    }
    console.log(`CSVs identical: ${one.sha256 === two.sha256 ? 'yes' : 'NO'}`);
    const [oneTime, twoTime] = [median(one.times), median(two.times)];
    const rss = (measured: Measured) => measured.workers.map((w) => `${mb(w.peak)} (idle ${mb(w.idle)})`).join(', ');
    console.log(`one worker, unsharded, ${scale}×: trigger → Complete ${oneTime.toFixed(2)} s (median of ${runs}); peak RSS ${rss(one)}`);
    console.log(`two workers, sharded, ${scale}×: trigger → Complete ${twoTime.toFixed(2)} s (median of ${runs}); peak RSS per worker ${rss(two)}`);
    console.log(`speed-up, two sharded workers over one unsharded: ×${(oneTime / twoTime).toFixed(2)}`);
    // However the shards are spread, a run cannot end before the machine has done its CPU work:
    // on n cores it takes at least (CPU seconds) ÷ n. That bounds the speed-up this machine allows.
    const cores = cpus().length;
    const oneCpu = median(one.cpu.map((cpu) => cpu.machine));
    const twoCpu = median(two.cpu.map((cpu) => cpu.machine));
    console.log(
      `CPU per report (median): unsharded ${oneCpu.toFixed(1)} s (${(oneCpu / oneTime).toFixed(2)} cores busy on average), sharded ${twoCpu.toFixed(1)} s; ` +
        `on ${cores} cores the sharded run takes ≥ ${(twoCpu / cores).toFixed(2)} s, so its speed-up here is at most ×${(oneTime / (twoCpu / cores)).toFixed(2)}`,
    );

    const perShard = median(shards);
    console.log(
      `last sharded report: ${shards.length} shards of ≤ ${shardStores.toLocaleString('en-US')} stores, each ${Math.min(...shards).toFixed(2)}–${Math.max(...shards).toFixed(2)} s ` +
        `(median ${perShard.toFixed(2)} s) on its worker; assembly ${assembly.toFixed(2)} s; ${timeline}`,
    );
    // 100×: the same shard size, so the same cost a shard (its window read is its own stores' index
    // ranges); more of them, and an assembly that streams a CSV 100 ÷ scale times larger.
    const shards100 = Math.ceil((one.stores * 100) / scale / shardStores);
    const assembly100 = (assembly * 100) / scale;
    const projection = [2, 10, 20, 50].map((workers) => `${workers} workers ≈ ${(Math.ceil(shards100 / workers) * perShard + assembly100).toFixed(0)} s`).join(', ');
    const peakShardWorker = Math.max(...two.workers.map((w) => w.peak));
    console.log(
      `projection for 100× (${(one.stores * (100 / scale)).toLocaleString('en-US')} stores, ${shards100} shards): ${projection}; ` +
        `peak RSS per worker stays ≈ ${mb(peakShardWorker)} (a shard's size, not the fleet's); unsharded it would be ≈ ${(
          (oneTime * 100) /
          scale
        ).toFixed(0)} s and ≈ ${mb(one.workers[0].idle + ((one.workers[0].peak - one.workers[0].idle) * 100) / scale)} on one worker`,
    );
  } finally {
    for (const child of children) await stop(child);
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
/** What reading a finished report's rows costs (the rows the shards wrote). */
async function reportRowFigures(api: string, id: string): Promise<void> {
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
