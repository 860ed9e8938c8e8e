export * from './parse';
export * from './tables';
export * from './store-week';
export * from './uptime-report';
export * from './store-timeline';
export * from './report-warnings';
