export * from './parse';
export * from './tables';
export * from './uptime-report';
export * from './report-warnings';
