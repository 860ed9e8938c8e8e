export * from './webhook-events';
export * from './webhook-signing';
export * from './webhook-target';
export * from './webhook-delivery';
export * from './retry-schedule';
