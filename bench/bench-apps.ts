import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { LocalServices } from '@store-uptime/config';
import { REPO_ROOT } from './full-scale-data';

/** The built apps as separate processes (`node dist/apps/<app>/src/main.js`, as in production), for the benchmarks. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

/** Logs are produced either way (their cost is part of the measurement); kept in `<logDir>/<app>.log` only on request. */
export function startApp(name: 'api' | 'worker', env: Record<string, string>, logDir?: string): ChildProcess {
  const stdout = logDir ? openSync(join(logDir, `${name}.log`), 'w') : 'ignore';
  const child = spawn(process.execPath, [join(REPO_ROOT, `dist/apps/${name}/src/main.js`)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') process.stderr.write(`${name} exited (${code ?? signal})\n`);
  });
  return child;
}

export async function waitReady(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(15_000).then(() => child.kill('SIGKILL'))]);
}

/**
 * What every benchmarked app is given to reach the local services: its own database, Redis prefix
 * and bucket, so that a benchmark never meets another run's jobs or objects.
 */
export function benchAppEnv(services: LocalServices, app: { databaseUrl: string; redisPrefix: string; bucket: string; logLevel: string }): Record<string, string> {
  return {
    LOG_LEVEL: app.logLevel,
    DATABASE_URL: app.databaseUrl,
    REDIS_URL: services.redisUrl,
    REDIS_PREFIX: app.redisPrefix,
    S3_ENDPOINT: services.s3.endpoint,
    S3_REGION: 'us-east-1',
    S3_BUCKET: app.bucket,
    S3_ACCESS_KEY_ID: services.s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: services.s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
  };
}

/**
 * A process's name and the CPU time it has used (utime + stime, seconds), from /proc/<pid>/stat
 * (Linux, 100 ticks a second); null when there is no such process (it exited, or not Linux).
 * The name is cut at the last ')', as a process may put ') ' in its own name.
 */
export function processCpu(pid: number | string | undefined): { name: string; seconds: number } | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), seconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}
