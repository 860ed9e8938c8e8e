import type { SharedEnv } from './env.schema';

/**
 * Settings derived from the validated environment that both apps need in the same shape. Plain
 * objects (no SDK types) so this lib stays free of the clients it configures.
 */

/** The shape `ReportStorage` (libs/storage) takes. */
export function s3SettingsFromEnv(env: SharedEnv) {
  return {
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET,
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    connectTimeoutMs: env.S3_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: env.S3_REQUEST_TIMEOUT_MS,
  };
}

/**
 * node-postgres pool settings (TypeORM's `extra`). Every connect and statement has a deadline so
 * a PostgreSQL outage surfaces as an error (API: 503; worker: a retried attempt), never a hang.
 *
 * `clientReadTimeout` adds pg's client-side `query_timeout`. Only for pools that never run COPY:
 * pg arms that timer for a COPY stream (pg-copy-streams) too but never clears it, and when it
 * fires after the COPY has finished it throws an uncaught TypeError (seen with the window loader),
 * killing the process or thread. Server-side `statement_timeout` covers COPY safely.
 */
export function pgPoolSettings(env: SharedEnv, options: { statementTimeoutMs?: number; clientReadTimeout?: boolean } = {}) {
  const statementTimeoutMs = options.statementTimeoutMs ?? env.DB_TIMEOUT_MS;
  return {
    connectionTimeoutMillis: env.DB_TIMEOUT_MS,
    statement_timeout: statementTimeoutMs,
    ...(options.clientReadTimeout ? { query_timeout: statementTimeoutMs + 1_000 } : {}),
    // Detect a peer that vanished (PostgreSQL host lost) instead of waiting on a dead socket.
    keepAlive: true,
  };
}

/**
 * Log paths pino removes before a line is written: logs are shipped and kept where credentials
 * must not be (test/security checks every line of the real processes). Presigned
 * URLs are bearer credentials too, so the 302 `location` header is redacted.
 */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'res.headers.location',
  '*.password',
  '*.secretAccessKey',
  '*.S3_SECRET_ACCESS_KEY',
  '*.BULL_BOARD_PASSWORD',
  '*.DATABASE_URL',
  '*.REDIS_URL',
  '*.presignedUrl',
];
