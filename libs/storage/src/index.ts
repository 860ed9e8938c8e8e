export * from './report-storage';
