export * from './queue-names';
export * from './redis-connection';
export * from './report-failures';
export * from './report-job';
export * from './report-job-snapshot';
export * from './listened-queue';
export * from './connection-errors';
export * from './webhook-job';
