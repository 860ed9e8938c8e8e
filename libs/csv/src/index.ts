export * from './byte-source';
export * from './csv-scanner';
export * from './input-file-error';
export * from './input-files';
export * from './poll-fields';
export * from './report-writer';
