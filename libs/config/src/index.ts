export * from './derived';
export * from './env.schema';
export * from './validate-env';
export * from './local-services';
export * from './app-config';
