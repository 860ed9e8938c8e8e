/**
 * `npm run bench:load`: the load scenario of test/faults/load.faults-spec.ts with its full count. Fires --triggers (default
 * 1,000) POST /trigger_report at once against the built API, lets --workers worker processes
 * (WORKER_CONCURRENCY --concurrency each) run them, and prints the throughput:
 *
 *   triggers/s     = triggers answered / time from the first request sent to the last answer;
 *   completions/s  = reports complete / time from the first trigger to the last report finished.
 *
 * Then checks the outcome the issue asks for — exactly that many reports, every one Complete,
 * none computed twice, one CSV each — and exits 1 if it does not hold. Runs on this machine's
 * PostgreSQL, Redis and S3 in a database, Redis prefix and bucket of its own (removed afterwards),
 * with the committed 8-store fixture so each report is small.
 *
 *   npm run build && npm run bench:load [-- --triggers 1000 --workers 1 --concurrency 2]
 */
import { parseArgs } from 'node:util';
import { triggerConcurrently, waitAllFinished } from '../scripts/faults/load';
import { createNamespace, listKeys } from '../scripts/faults/namespace';
import { freePort, httpRequest, killAllNow, startApp, waitForHttpOk, type ManagedProcess } from '../scripts/faults/processes';

const { values } = parseArgs({
  options: {
    triggers: { type: 'string', default: '1000' },
    workers: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '2' },
    /** The apps' LOG_LEVEL; their JSON lines are kept in memory and the last ones printed on failure. */
    'log-level': { type: 'string', default: 'warn' },
  },
});

async function main(): Promise<boolean> {
  const triggers = Number(values.triggers);
  const workerCount = Number(values.workers);
  const ns = await createNamespace({ label: 'bench-load' });
  const processes: ManagedProcess[] = [];
  try {
    // Production defaults for the deadlines (the namespace's are short, for the fault tests).
    const env = ns.env({ TRIGGER_RATE_LIMIT: '0', WORKER_CONCURRENCY: values.concurrency, LOG_LEVEL: values['log-level'], DB_TIMEOUT_MS: '5000' });
    const apiPort = await freePort();
    // Trigger throughput of the queue and workers; the key check is measured by bench:service.
    const api = startApp('api', { ...env, API_AUTH: 'off', PORT: String(apiPort) });
    processes.push(api);
    const workerUrls: string[] = [];
    for (let i = 0; i < workerCount; i++) {
      const port = await freePort();
      processes.push(startApp('worker', { ...env, WORKER_PORT: String(port) }, `worker-${i + 1}`));
      workerUrls.push(`http://127.0.0.1:${port}`);
    }
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    await Promise.all([waitForHttpOk(`${apiUrl}/health/ready`, api), ...workerUrls.map((url, i) => waitForHttpOk(`${url}/health/ready`, processes[i + 1]))]);

    console.log(`firing ${triggers} concurrent triggers (${workerCount} worker process(es), concurrency ${values.concurrency} each)…`);
    const fired = await triggerConcurrently(apiUrl, triggers);
    const answered = fired.statuses[200] ?? 0;
    console.log(`triggers: ${answered} answered 200 in ${fired.seconds.toFixed(2)} s → ${Math.round(answered / fired.seconds)} triggers/s (statuses ${JSON.stringify(fired.statuses)})`);

    const done = await waitAllFinished(ns.database.url, answered, fired.startedAt, 600_000);
    const complete = done.byStatus.complete ?? 0;
    console.log(`completions: ${complete} complete in ${done.seconds.toFixed(2)} s after the first trigger → ${Math.round(complete / done.seconds)} completions/s (rows by status ${JSON.stringify(done.byStatus)})`);

    const keys = new Set(await listKeys(ns.bucket));
    const distinct = new Set(fired.ids).size;
    const csvs = fired.ids.filter((id) => keys.has(`reports/${id}.csv`)).length;
    const metrics = (await Promise.all(workerUrls.map((url) => httpRequest(`${url}/metrics`)))).map((m) => m.text);
    const computed = metrics.reduce((sum, text) => sum + Number(/report_jobs_total\{outcome="complete"\} (\d+)/.exec(text)?.[1] ?? 0), 0);
    const checks: [string, boolean][] = [
      [`every trigger answered 200 (${answered}/${triggers})`, answered === triggers],
      [`distinct report ids (${distinct})`, distinct === triggers],
      [`exactly ${triggers} report rows (${done.rows})`, done.rows === triggers],
      [`every report Complete (${complete})`, complete === triggers],
      [`no report started twice (${done.startedTwice})`, done.startedTwice === 0],
      [`workers computed each report once (${computed})`, computed === triggers],
      [`one CSV per report in S3 (${csvs}, bucket holds ${keys.size})`, csvs === triggers && keys.size === triggers],
    ];
    for (const [label, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${label}`);
    const passed = checks.every(([, ok]) => ok);
    if (!passed) for (const p of processes) console.log(`--- last lines of ${p.name}:\n${p.tail(8)}`);
    return passed;
  } finally {
    await Promise.all(processes.map((p) => p.stop('SIGTERM', 10_000)));
    await ns.cleanup();
  }
}

main().then(
  (ok) => {
    process.exitCode = ok ? 0 : 1;
  },
  (error: unknown) => {
    console.error(error);
    killAllNow();
    process.exitCode = 1;
  },
);
