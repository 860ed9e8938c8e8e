import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { childEnv, freePort, isRoot, ManagedProcess, run, sleep } from './processes';

/** initdb and postgres: on PATH, else the newest Debian install (/usr/lib/postgresql/<major>/bin). */
function postgresBinDir(): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'))) return dir;
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const major of majors) {
    const dir = join(root, major, 'bin');
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  throw new Error('PostgreSQL server binaries (initdb, postgres) not found; install postgresql (scripts/services/ensure-services.sh does)');
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` user (setpriv execs, so the PID is the server's). */
function asPostgres(command: string, args: string[]): [string, string[]] {
  if (!isRoot()) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', command, ...args]];
}

function postgresIds(): { uid: number; gid: number } {
  const line = run('id', ['postgres']);
  const uid = Number(/uid=(\d+)/.exec(line)?.[1]);
  const gid = Number(/gid=(\d+)/.exec(line)?.[1]);
  if (!Number.isInteger(uid) || !Number.isInteger(gid)) throw new Error(`cannot read the postgres user's ids from: ${line}`);
  return { uid, gid };
}

/**
 * A PostgreSQL cluster of the test's own (`initdb` into a temporary directory, its own port), so a
 * test can stop it mid-report without touching the machine's server on 5432, which other runs
 * are using. Trust
 * authentication on 127.0.0.1 like the machine's; fsync off because nothing here must survive a
 * power cut, and it keeps start-up and checkpoints fast.
 */
export class PrivatePostgres {
  readonly dir = mkdtempSync(join(tmpdir(), 'su-faults-pg-'));
  private readonly dataDir = join(this.dir, 'data');
  private readonly bin = postgresBinDir();
  private process: ManagedProcess | null = null;
  private starts = 0;

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(await freePort());
    pg.init();
    await pg.start();
    return pg;
  }

  /** The server URL (database `postgres`); createTempDatabase makes per-test databases on it. */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  private init(): void {
    if (isRoot()) {
      const { uid, gid } = postgresIds();
      chownSync(this.dir, uid, gid);
    }
    const [command, args] = asPostgres(join(this.bin, 'initdb'), [
      '-D', this.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ]);
    run(command, args, { env: childEnv({}) });
  }

  async start(): Promise<void> {
    if (this.running) return;
    const [command, args] = asPostgres(join(this.bin, 'postgres'), [
      '-D', this.dataDir,
      '-p', String(this.port),
      '-k', this.dir,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', 'fsync=off',
      '-c', 'full_page_writes=off',
      '-c', 'shared_buffers=32MB',
      '-c', 'max_connections=60',
    ]);
    this.starts++;
    // SIGQUIT when the test process dies: an immediate shutdown that also ends the backends.
    this.process = new ManagedProcess(`postgres:${this.port}#${this.starts}`, command, args, { env: childEnv({}), killSignal: 'SIGQUIT' });
    await this.waitAccepting(30_000);
  }

  private async waitAccepting(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (error) {
        if (!this.running) throw new Error(`PostgreSQL exited at start-up:\n${this.process?.tail()}`, { cause: error });
        if (Date.now() > deadline) throw new Error(`PostgreSQL not accepting connections after ${timeoutMs} ms: ${(error as Error).message}`, { cause: error });
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(100);
    }
  }

  /**
   * Stops the server. SIGINT is `pg_ctl stop -m fast` (sessions are ended, a clean shutdown);
   * SIGQUIT is `-m immediate` (like a crash: recovery runs at the next start).
   */
  async stop(signal: 'SIGINT' | 'SIGQUIT' = 'SIGINT'): Promise<void> {
    await this.process?.stop(signal, 20_000);
  }

  async destroy(): Promise<void> {
    await this.stop('SIGQUIT');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
