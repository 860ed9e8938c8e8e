/** Injection tokens of the worker's plain (non-Nest) collaborators. */
export const REPORT_STORAGE = Symbol('ReportStorage');
export const COMPUTE_RUNNER = Symbol('ComputeRunner');
export const WORKER_METRICS = Symbol('WorkerMetrics');
export const WORKER_ENV = Symbol('WorkerEnv');
