import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { request as httpRequestRaw } from 'node:http';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/**
 * Child processes for the fault-injection suite and the load benchmark: the built apps run as
 * real processes (`node dist/apps/<app>/src/main.js`) so a test can SIGKILL or SIGTERM them, and
 * private PostgreSQL / Redis instances run as children too. Every child is registered here and
 * killed when the test process exits, whatever way it exits: a test must not leave servers running.
 */

/** The repository root, found from this file whether it runs from sources or from dist/. */
export const REPO_ROOT = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  let dir = start;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'apps'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no repository root above ${start}`);
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function register(child: ChildProcess, killSignal: NodeJS.Signals): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  (child as ChildProcess & { killSignal?: NodeJS.Signals }).killSignal = killSignal;
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Synchronous on purpose: 'exit' handlers cannot wait. Each child gets the signal it needs to
  // stop without leftovers (PostgreSQL: SIGQUIT also ends its backends).
  process.once('exit', killAllNow);
}

/** Kills every child still running, now (the exit hook; also fine to call from afterAll). */
export function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill((child as ChildProcess & { killSignal?: NodeJS.Signals }).killSignal ?? 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A child process whose output is kept line by line (the apps log JSON lines), so a test can wait
 * for a line, read what a process logged, and search all of it for leaked secrets.
 */
export class ManagedProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | null = null;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { env: Record<string, string>; cwd?: string; killSignal?: NodeJS.Signals; maxLines?: number },
  ) {
    this.child = spawn(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    register(this.child, options.killSignal ?? 'SIGKILL');
    const maxLines = options.maxLines ?? 200_000;
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let rest = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        const parts = (rest + chunk).split('\n');
        rest = parts.pop() ?? '';
        for (const line of parts) if (this.lines.length < maxLines) this.lines.push(line);
        this.notify();
      });
      stream.on('end', () => {
        if (rest) this.lines.push(rest);
        rest = '';
        this.notify();
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal };
        this.notify();
        resolve(this.exitInfo);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitInfo === null;
  }

  get output(): string {
    return this.lines.join('\n');
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Waits until `predicate(lines)` holds; rejects at the deadline or when the process exits first. */
  async waitFor(predicate: (lines: string[]) => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.lines)) {
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exitInfo)}) before ${what}; last lines:\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no ${what} within ${timeoutMs} ms; last lines:\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    return this.waitFor((lines) => lines.some((line) => pattern.test(line)), timeoutMs, `line matching ${pattern}`);
  }

  /** The JSON log lines (pino), parsed; other lines are skipped. */
  jsonLines(): Record<string, unknown>[] {
    const parsed: Record<string, unknown>[] = [];
    for (const line of this.lines) {
      if (!line.startsWith('{')) continue;
      try {
        parsed.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a partial or foreign line
      }
    }
    return parsed;
  }

  tail(count = 15): string {
    return this.lines.slice(-count).join('\n');
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** Sends `signal`, waits for the exit, and SIGKILLs after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<ExitInfo> {
    if (!this.running) return this.exitInfo!;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, forced]);
    clearTimeout(timer);
    return this.exited;
  }
}

/** The environment a child starts from: only what a process needs to run, plus `env`. */
export function childEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[key];
    if (value !== undefined) base[key] = value;
  }
  return { ...base, NODE_ENV: 'production', ...env };
}

export type AppName = 'api' | 'worker';

/** Starts a built app (`node dist/apps/<name>/src/main.js`), exec form as in production. */
export function startApp(name: AppName, env: Record<string, string>, label: string = name): ManagedProcess {
  const entry = join(REPO_ROOT, 'dist', 'apps', name, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build first`);
  return new ManagedProcess(label, process.execPath, [entry], { env: childEnv(env) });
}

/** GETs `url` until it answers 200 (or the process exits / the deadline passes). */
export async function waitForHttpOk(url: string, process: ManagedProcess | null, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (process && !process.running) throw new Error(`${process.name} exited before ${url} answered; last lines:\n${process.tail()}`);
    try {
      if ((await httpRequest(url, { timeoutMs: 2_000 })).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Whether the current process may run PostgreSQL directly (PostgreSQL refuses to run as root). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a command to completion; throws with its output when it fails. */
export function run(command: string, args: string[], options: { env?: Record<string, string> } = {}): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env: options.env ?? process.env });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request with plain node:http and no keep-alive (global fetch pools sockets that keep a
 * test process alive); rejects on a network error or after `timeoutMs`.
 */
export function httpRequest(
  url: string | URL,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequestRaw(url, { method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error(`${options.method ?? 'GET'} ${String(url)}: no answer within ${options.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
