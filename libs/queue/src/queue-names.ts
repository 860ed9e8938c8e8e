/** Queue and job names, shared by the API (producer) and the worker (the only consumer). */
export const QUEUES = {
  reports: 'reports',
} as const;

export const REPORT_JOBS = {
  compute: 'compute-report',
} as const;
