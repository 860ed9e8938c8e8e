import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childEnv, freePort, ManagedProcess } from './processes';

export interface PrivateRedisOptions {
  /** AOF persistence (`--appendonly yes --appendfsync always`), as a queue's Redis runs in production (docker-compose.yml). */
  persistence: boolean;
  /** `requirepass`, to test that the password never reaches a log line. */
  password?: string;
}

/**
 * A Redis of the test's own on a free port, with its own data directory, so a test can kill and
 * restart it without touching the machine's Redis on 6379, which other runs are using. With persistence every
 * write is fsynced before it is acknowledged, so even a SIGKILL loses nothing acknowledged.
 */
export class PrivateRedis {
  readonly dir = mkdtempSync(join(tmpdir(), 'su-faults-redis-'));
  private process: ManagedProcess | null = null;
  private starts = 0;

  private constructor(
    readonly port: number,
    private readonly options: PrivateRedisOptions,
  ) {}

  static async start(options: PrivateRedisOptions): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort(), options);
    await redis.start();
    return redis;
  }

  get url(): string {
    const auth = this.options.password ? `:${encodeURIComponent(this.options.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** The server's own log (what it did on restart: "DB loaded from append only file" …). */
  get log(): string {
    return this.process?.output ?? '';
  }

  async start(): Promise<void> {
    if (this.running) return;
    const args = [
      '--port', String(this.port),
      '--bind', '127.0.0.1',
      '--dir', this.dir,
      '--save', '',
      '--appendonly', this.options.persistence ? 'yes' : 'no',
      '--appendfsync', 'always',
      '--maxmemory-policy', 'noeviction',
      '--daemonize', 'no',
      ...(this.options.password ? ['--requirepass', this.options.password] : []),
    ];
    this.starts++;
    const process = new ManagedProcess(`redis:${this.port}#${this.starts}`, 'redis-server', args, { env: childEnv({}) });
    this.process = process;
    await process.waitForLine(/Ready to accept connections/, 20_000);
  }

  /** Stops the server: SIGKILL is a crash, SIGTERM a clean shutdown. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.process?.stop(signal, 10_000);
  }

  async restart(signal: NodeJS.Signals = 'SIGKILL', downMs = 0): Promise<void> {
    await this.stop(signal);
    if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
