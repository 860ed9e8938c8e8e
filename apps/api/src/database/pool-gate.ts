/** No free connection within the pool-wait deadline. */
export class PoolWaitTimeout extends Error {
  override readonly name = 'PoolWaitTimeout';
}

/**
 * Lets at most `size` database calls run at once (the pool's size), and bounds the wait for a
 * turn on its own deadline. Why not pg-pool's own queue: its `connectionTimeoutMillis` is one
 * deadline for waiting in line and for connecting, so a burst of 200 triggers on a busy machine
 * waited past DB_TIMEOUT_MS and answered 503 as if PostgreSQL were down. With the line kept here,
 * the pool hands out a connection at once and its timeout measures connecting only.
 * (Hand-written: p-limit and friends have no wait deadline, and this is 30 lines.)
 */
export class PoolGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly size: number,
    private readonly waitMs: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
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
      }, this.waitMs);
      this.waiting.push(turn);
    });
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}
