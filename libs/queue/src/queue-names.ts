/** Queue and job names, shared by the API (producer) and the worker (the only consumer). */
export const QUEUES = {
  reports: 'reports',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const REPORT_JOBS = {
  compute: 'compute-report',
} as const;
export type ReportJobName = (typeof REPORT_JOBS)[keyof typeof REPORT_JOBS];
