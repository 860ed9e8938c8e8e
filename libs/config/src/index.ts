export * from './derived';
export * from './env.schema';
export * from './validate-env';
export * from './app-config';
