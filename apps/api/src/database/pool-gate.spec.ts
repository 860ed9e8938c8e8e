import { PoolGate, PoolWaitTimeout } from './pool-gate';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PoolGate', () => {
  it('runs at most `size` calls at once and the rest in arrival order', async () => {
    const gate = new PoolGate(2, 1_000);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        gate.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await sleep(10);
          order.push(n);
          running--;
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('gives up waiting after its own deadline, however long the running call takes', async () => {
    const gate = new PoolGate(1, 30);
    const slow = gate.run(() => sleep(200));
    await expect(gate.run(async () => 'never')).rejects.toBeInstanceOf(PoolWaitTimeout);
    await slow;
    await expect(gate.run(async () => 'next')).resolves.toBe('next');
  });

  it('frees the turn of a call that failed', async () => {
    const gate = new PoolGate(1, 100);
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
  });
});
