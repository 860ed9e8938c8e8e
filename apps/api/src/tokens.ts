/** Injection tokens of the API's plain (non-Nest) collaborators. */
export const API_ENV = Symbol('ApiEnv');
export const REPORT_STORAGE = Symbol('ReportStorage');
export const API_METRICS = Symbol('ApiMetrics');
/** The Redis connection of status reads (auto-pipelined; libs/queue statusReadConnection). */
export const STATUS_REDIS = Symbol('StatusRedis');
