/** Queue and job names, shared by the API (producer) and the worker (the only consumer). */
export const QUEUES = {
  reports: 'reports',
} as const;

export const REPORT_JOBS = {
  compute: 'compute-report',
  /** One store range of a fanned-out report: a child of its compute-report job (a BullMQ flow). */
  shard: 'compute-report-shard',
} as const;
