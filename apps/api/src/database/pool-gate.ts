/** No free connection within the pool-wait deadline. */
export class PoolWaitTimeout extends Error {
  override readonly name = 'PoolWaitTimeout';
}

/**
 * Lets at most `size` database calls run at once (the pool's size), and bounds the wait for a
 * turn on its own deadline. Why not pg-pool's own queue: its `connectionTimeoutMillis` is one
 * deadline for waiting in line and for connecting, so a burst of 200 triggers on a busy machine
 * waited past DB_TIMEOUT_MS and answered 503 as if PostgreSQL were down. With the line kept here,
 * the pool hands out a connection at once and its timeout measures connecting only. Opening a
 * connection is part of getting one: on a machine busy enough that PostgreSQL forks a backend in
 * more than DB_TIMEOUT_MS (seen at load 17 on 2 cores: 5 of 200 triggers), a call whose error
 * `retryable` accepts is tried again while the wait deadline lasts; a refused connection (PostgreSQL
 * down) is not retryable and answers at once.
 * (Hand-written: p-limit and friends have no wait deadline, and this is 40 lines.)
 */
export class PoolGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly waitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>, retryable: (error: unknown) => boolean = () => false): Promise<T> {
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      await this.acquire(Math.max(0, deadline - Date.now()));
      try {
        return await work();
      } catch (error) {
        if (!retryable(error) || Date.now() >= deadline) throw error;
      } finally {
        this.release();
      }
    }
  }

  private acquire(waitMs: number): Promise<void> {
    if (this.active < this.size) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        this.active++;
        resolve();
      };
      const timer = setTimeout(() => {
        const index = this.waiting.indexOf(turn);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new PoolWaitTimeout(`no free database connection within ${this.waitMs} ms`));
      }, waitMs);
      this.waiting.push(turn);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

/** node-postgres could not open a connection in time (its connectionTimeoutMillis), as opposed to being refused. */
export function isConnectTimeout(error: unknown): boolean {
  return error instanceof Error && /connection timeout|timeout exceeded when trying to connect/i.test(error.message);
}
