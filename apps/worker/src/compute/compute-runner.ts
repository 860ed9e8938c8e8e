import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import type { SerializedError, ThreadMessage, ThreadRequest, ThreadSettings } from './compute-protocol';
import { computeReportFromDatabase, type ComputeRequest, type ComputeResult, type ComputeStage } from './report-computation';

/** The job was cancelled (worker shutting down past its drain deadline); the thread was stopped. */
export class ComputeAbortedError extends Error {
  override readonly name = 'ComputeAbortedError';
}

/** An error raised inside the compute thread, rebuilt on the main thread (name, message, code survive). */
class ComputeFailedError extends Error {
  readonly code?: string;
  constructor(serialized: SerializedError) {
    super(serialized.message);
    this.name = serialized.name;
    this.code = serialized.code;
  }
}

/** Where reports are computed: COMPUTE_MODE (libs/config/src/env.schema.ts). */
export type ComputeMode = 'thread' | 'inline';

/** A thread asked to close ends its PostgreSQL pool first; one that has not exited by then is stopped. */
const THREAD_CLOSE_GRACE_MS = 5_000;

export interface ComputeRunner {
  readonly mode: ComputeMode;
  run(request: ComputeRequest, onStage: (stage: ComputeStage) => void, signal?: AbortSignal): Promise<ComputeResult>;
  close(): Promise<void>;
}

/**
 * A small pool of long-lived compute threads, one per concurrent job. Long-lived because starting
 * one costs ~0.5 s (module loading), a fifth of the trigger→Complete budget; a thread that
 * crashed or was stopped is replaced on the next run.
 */
export class ThreadComputeRunner implements ComputeRunner {
  readonly mode = 'thread';
  private readonly idle: Worker[] = [];
  /** Every live thread, with the promise of its exit code. */
  private readonly all = new Map<Worker, Promise<number>>();
  private nextRunId = 1;
  private closed = false;

  constructor(
    private readonly entry: string,
    private readonly settings: ThreadSettings,
  ) {}

  /** Starts `count` threads now so the first reports do not pay the start-up. */
  warmUp(count: number): void {
    while (this.all.size < count) this.idle.push(this.spawn());
  }

  private spawn(): Worker {
    const worker = new Worker(this.entry, { workerData: this.settings });
    // The main thread's Redis and HTTP handles keep the process alive; an idle thread must not.
    worker.unref();
    this.all.set(worker, new Promise((resolve) => worker.once('exit', resolve)));
    // A crash outside a run (e.g. while idle) only removes the thread; the next run starts another.
    worker.on('error', () => this.discard(worker));
    worker.on('exit', () => this.discard(worker));
    return worker;
  }

  private discard(worker: Worker): void {
    this.all.delete(worker);
    const index = this.idle.indexOf(worker);
    if (index >= 0) this.idle.splice(index, 1);
  }

  run(request: ComputeRequest, onStage: (stage: ComputeStage) => void, signal?: AbortSignal): Promise<ComputeResult> {
    if (this.closed) return Promise.reject(new ComputeAbortedError('the compute pool is closed'));
    if (signal?.aborted) return Promise.reject(new ComputeAbortedError(String(signal.reason ?? 'aborted')));
    const worker = this.idle.pop() ?? this.spawn();
    const runId = this.nextRunId++;
    return new Promise<ComputeResult>((resolve, reject) => {
      const finish = (keep: boolean) => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
        if (keep && !this.closed && this.all.has(worker)) this.idle.push(worker);
      };
      const onMessage = (message: ThreadMessage) => {
        if (message.runId !== runId) return;
        if (message.type === 'stage') {
          onStage(message.stage);
        } else if (message.type === 'done') {
          finish(true);
          resolve(message.result);
        } else {
          finish(true);
          reject(new ComputeFailedError(message.error));
        }
      };
      const onError = (error: Error) => {
        finish(false);
        reject(new ComputeFailedError({ name: 'ComputeThreadCrashed', message: `the compute thread crashed: ${error.message}` }));
      };
      const onExit = (code: number) => {
        finish(false);
        reject(new ComputeFailedError({ name: 'ComputeThreadExited', message: `the compute thread exited with code ${code}` }));
      };
      const onAbort = () => {
        finish(false);
        this.discard(worker);
        void worker.terminate();
        reject(new ComputeAbortedError(String(signal?.reason ?? 'aborted')));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'run', runId, ...request } satisfies ThreadRequest);
    });
  }

  async close(): Promise<void> {
    await this.closeThreads();
  }

  /**
   * Closes every thread: each ends its PostgreSQL pool and exits (code 0); one still busy after
   * THREAD_CLOSE_GRACE_MS is stopped (code 1). Runs after the worker's drain, so threads are idle
   * by then. Resolves with the threads' exit codes.
   */
  closeThreads(): Promise<number[]> {
    this.closed = true;
    const threads = [...this.all];
    this.idle.length = 0;
    return Promise.all(
      threads.map(async ([worker, exited]) => {
        const stop = setTimeout(() => void worker.terminate(), THREAD_CLOSE_GRACE_MS);
        worker.postMessage({ type: 'close' } satisfies ThreadRequest);
        try {
          return await exited;
        } finally {
          clearTimeout(stop);
        }
      }),
    );
  }
}

/**
 * Runs the computation on the main thread: only when COMPUTE_MODE=inline asks for it (a worker
 * started from the TypeScript sources, or a debugger on the engine). While the engine runs, the
 * event loop is blocked, so BullMQ cannot renew the report's lock: fine for small data, not for
 * production. It yields once before the synchronous engine so progress writes go out first.
 */
export class InlineComputeRunner implements ComputeRunner {
  readonly mode = 'inline';

  constructor(private readonly dataSource: DataSource) {}

  async run(request: ComputeRequest, onStage: (stage: ComputeStage) => void, signal?: AbortSignal): Promise<ComputeResult> {
    if (signal?.aborted) throw new ComputeAbortedError(String(signal.reason ?? 'aborted'));
    const result = await computeReportFromDatabase(this.dataSource, request, onStage);
    if (signal?.aborted) throw new ComputeAbortedError(String(signal.reason ?? 'aborted'));
    return result;
  }

  async close(): Promise<void> {}
}

/** Where the compiled thread entry is: beside this file once built (dist/apps/worker/src/compute/). */
function compiledThreadEntry(directory = __dirname): string {
  return join(directory, 'compute.thread.js');
}

/** How this worker computes: decided, and checked, before the app is built. */
export type ComputePlan = { mode: 'inline' } | { mode: 'thread'; entry: string };

/**
 * The plan for COMPUTE_MODE. `thread` needs the compiled thread entry and the worker refuses to
 * start without it, rather than quietly computing on its main thread (where a large report blocks
 * lock renewal and health probes). `inline` is the explicit opt-in to that.
 */
export function computePlan(mode: ComputeMode, entry: string = compiledThreadEntry()): ComputePlan {
  if (mode === 'inline') return { mode };
  if (!existsSync(entry)) {
    throw new Error(
      `COMPUTE_MODE=thread needs the compiled compute thread ${entry}, which does not exist: ` +
        'run `npm run build` and start the worker from dist/, or set COMPUTE_MODE=inline to compute on the main thread',
    );
  }
  return { mode, entry };
}

export function createComputeRunner(plan: ComputePlan, options: { dataSource: DataSource; thread: ThreadSettings; threads: number }): ComputeRunner {
  if (plan.mode === 'inline') return new InlineComputeRunner(options.dataSource);
  const runner = new ThreadComputeRunner(plan.entry, options.thread);
  // Start them now so the first reports do not pay the start-up.
  runner.warmUp(options.threads);
  return runner;
}
