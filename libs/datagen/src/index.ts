export * from './random';
export * from './poll-timestamp';
export * from './store-ids';
export * from './poll-generator';
export * from './poll-csv';
export * from './poll-file';
export * from './scaled-store-file';
