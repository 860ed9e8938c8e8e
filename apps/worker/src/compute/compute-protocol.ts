import type { PoolConfig } from 'pg';
import type { ComputeRequest, ComputeResult, ComputeStage } from './report-computation';

/** Messages between the worker's main thread and a compute thread (compute.thread.ts). */

export interface ThreadSettings {
  databaseUrl: string;
  /** The thread's own pool (one connection: a thread runs one report at a time). */
  poolSettings: Omit<PoolConfig, 'connectionString' | 'max'>;
}

/** `run` a report; `close`: end the PostgreSQL pool, then exit (the pool is closing). */
export type ThreadRequest = ({ type: 'run'; runId: number } & ComputeRequest) | { type: 'close' };

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type ThreadMessage =
  | { type: 'stage'; runId: number; stage: ComputeStage }
  | { type: 'done'; runId: number; result: ComputeResult }
  | { type: 'failed'; runId: number; error: SerializedError };
