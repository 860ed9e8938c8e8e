/** Injection tokens of the API's plain (non-Nest) collaborators. */
export const API_ENV = Symbol('ApiEnv');
export const REPORT_STORAGE = Symbol('ReportStorage');
export const API_METRICS = Symbol('ApiMetrics');
