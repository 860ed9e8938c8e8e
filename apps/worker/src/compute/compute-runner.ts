import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DataSource } from 'typeorm';
import type { ThreadMessage, ThreadSettings, SerializedError } from './compute-protocol';
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

export interface ComputeRunner {
  readonly mode: 'thread' | 'inline';
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
  private readonly all = new Set<Worker>();
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
    this.all.add(worker);
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
      worker.postMessage({ type: 'run', runId, ...request });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = [...this.all];
    this.idle.length = 0;
    await Promise.all(threads.map((worker) => worker.terminate().catch(() => undefined)));
    this.all.clear();
  }
}

/**
 * Runs the computation on the main thread. Used only where no compiled thread entry exists (the
 * TypeScript sources under Jest, whose fixtures take milliseconds); it yields once before the
 * synchronous engine so progress writes go out first.
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

/** The compiled thread entry beside this file, or null when running from TypeScript sources. */
export function compiledThreadEntry(directory = __dirname): string | null {
  const entry = join(directory, 'compute.thread.js');
  return existsSync(entry) ? entry : null;
}
