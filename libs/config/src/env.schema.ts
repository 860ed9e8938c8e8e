import { z } from 'zod';
import { DEFAULT_WEBHOOK_RETRY_SECONDS, parseRetrySchedule } from '@store-uptime/webhooks';

/**
 * One validated schema per app, so a bad setting fails the boot with a message naming it instead of
 * failing a report later. Values come only
 * from the environment (Kubernetes Secrets / ConfigMaps, or a local `.env`); `.env.example` lists
 * every key. Keys keep their environment names so `ConfigService.get('PORT')` reads like the docs.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const urlWithProtocol = (protocols: readonly string[], example: string) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL like ${example}` },
  );

// S3 bucket naming rules (lowercase, digits, dots, hyphens; 3–63 characters).
const bucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { error: 'must be a valid S3 bucket name (3–63 of a-z 0-9 . -)' });

const shared = {
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  DATABASE_URL: urlWithProtocol(['postgres:', 'postgresql:'], 'postgres://user:password@host:5432/database'),
  /** Milliseconds before a PostgreSQL connect or query gives up, so an outage answers 503 instead of hanging. */
  DB_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  REDIS_URL: urlWithProtocol(['redis:', 'rediss:'], 'redis://host:6379/0'),
  /** BullMQ key prefix; tests give each run its own so runs can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1–64 of A-Z a-z 0-9 _ . -' })
    .default('bull'),
  /** Absent for AWS itself; e.g. http://127.0.0.1:7480 for Ceph RGW or http://minio:9000. */
  S3_ENDPOINT: urlWithProtocol(['http:', 'https:'], 'http://127.0.0.1:7480').optional(),
  /** The endpoint presigned URLs are signed for, when clients reach S3 at another address than the apps do. */
  S3_PUBLIC_ENDPOINT: urlWithProtocol(['http:', 'https:'], 'http://localhost:9000').optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: bucketName,
  // Both or neither: without them the AWS SDK's default chain (IAM role, web identity) applies.
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: booleanFlag.default(false),
  /**
   * Milliseconds to open a connection to S3, and without a response to a request, before giving
   * up: an unreachable S3 must fail an upload (and the readiness probe) in seconds, not minutes.
   * Raise the request timeout for a slow link to a distant region.
   */
  S3_CONNECT_TIMEOUT_MS: integer(100, 120_000).default(3_000),
  S3_REQUEST_TIMEOUT_MS: integer(1_000, 600_000).default(30_000),
  /** Lifetime of a presigned download URL; SigV4 allows at most 7 days. */
  REPORT_URL_TTL_SECONDS: integer(60, 604_800).default(86_400),
  /**
   * A report whose BullMQ job has vanished (e.g. Redis lost it) while its row still says queued or
   * running is marked failed once the row is at least this old, so no report stays Running
   * forever. The delay covers the moment between inserting the row and adding the job.
   */
  REPORT_LOST_AFTER_SECONDS: integer(1, 86_400).default(60),
  /**
   * Complete reports older than this many days lose their CSV and become `expired` (410 on
   * download): the worker's sweep deletes them; the API stops handing out their URLs from then.
   * Fractions allowed (0.001 ≈ 86 s), so a test or a smoke run can see it happen.
   */
  REPORT_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(30),
  /**
   * Webhook URLs that resolve to private, loopback or link-local addresses are refused (at
   * registration with a 400, and on every delivery after DNS resolution) unless this is true:
   * for tests and receivers on the same machine only.
   */
  WEBHOOK_ALLOW_PRIVATE: booleanFlag.default(false),
};

const S3_KEYS_TOGETHER = {
  error: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or both left out for the default AWS chain)',
  path: ['S3_SECRET_ACCESS_KEY'],
};
const s3KeysTogether = (env: { S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string }) =>
  (env.S3_ACCESS_KEY_ID === undefined) === (env.S3_SECRET_ACCESS_KEY === undefined);

// zod 4's refine keeps the object schema type, so `.shape` still lists every key (deployment checks use it).
export const apiEnvSchema = z
  .object({
    ...shared,
    PORT: integer(1, 65_535).default(3000),
    // Bull Board is mounted only when both are set, so a forgotten secret cannot expose it.
    BULL_BOARD_USER: z.string().min(1).optional(),
    BULL_BOARD_PASSWORD: z.string().min(8, { error: 'must be at least 8 characters' }).optional(),
    /**
     * `off` drops the API-key check (every caller is an anonymous admin) for local experiments
     * only; the API warns at boot. Default on.
     */
    API_AUTH: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
    /**
     * Seconds a verified API key is trusted by an API process without asking PostgreSQL again:
     * a revoked key is refused everywhere within this long.
     */
    API_KEY_CACHE_SECONDS: integer(0, 3_600).default(10),
    /** Triggers per API key per minute (POST /reports, /trigger_report); 0 turns the limit off. */
    TRIGGER_RATE_LIMIT: integer(0, 1_000_000).default(60),
    /**
     * PostgreSQL connections per API process: status reads of reports no longer in Redis and
     * trigger inserts, a few milliseconds each.
     */
    DB_POOL_SIZE: integer(1, 200).default(10),
    /**
     * Milliseconds a request may wait for a free PostgreSQL connection of the API's pool, counted
     * apart from DB_TIMEOUT_MS (which bounds connecting and each statement): a burst of triggers
     * queues for connections on a busy machine without being taken for an outage.
     */
    DB_POOL_WAIT_MS: integer(0, 600_000).default(10_000),
    /** Milliseconds before a Redis command of the API gives up (the API answers 503). */
    REDIS_TIMEOUT_MS: integer(50, 60_000).default(2_000),
    /** BullMQ attempts per report (first run + retries) and the first exponential backoff delay. */
    REPORT_JOB_ATTEMPTS: integer(1, 20).default(4),
    REPORT_JOB_BACKOFF_MS: integer(10, 600_000).default(5_000),
  })
  .refine(s3KeysTogether, S3_KEYS_TOGETHER)
  .refine((env) => (env.BULL_BOARD_USER === undefined) === (env.BULL_BOARD_PASSWORD === undefined), {
    error: 'BULL_BOARD_USER and BULL_BOARD_PASSWORD must be set together (or both left out: no Bull Board)',
    path: ['BULL_BOARD_PASSWORD'],
  });

export const workerEnvSchema = z
  .object({
    ...shared,
    WORKER_PORT: integer(1, 65_535).default(3001),
    // The engine is CPU-bound and runs one thread per job: more than the cores available only queues threads.
    WORKER_CONCURRENCY: integer(1, 64).default(1),
    /**
     * PostgreSQL connections of the worker's main thread (report rows, progress, the sweep; the
     * window read too with COMPUTE_MODE=inline). Each compute thread has one more of its own.
     */
    DB_POOL_SIZE: integer(1, 200).default(4),
    /** On SIGTERM, finish running reports for at most this long, then hand them back to the queue. */
    WORKER_DRAIN_SECONDS: integer(0, 3_600).default(60),
    /**
     * BullMQ lock of a running report, and how often each worker looks for stalled ones
     * (report.processor.ts says why 20 s / 10 s): a killed worker's report is taken over after at
     * most about lock + 2 × interval. The lock must outlast any pause of the worker's event loop.
     */
    WORKER_LOCK_MS: integer(1_000, 600_000).default(20_000),
    WORKER_STALLED_INTERVAL_MS: integer(500, 600_000).default(10_000),
    /** Seconds between sweeps (reports whose job vanished, retention); 0 turns the sweep off. */
    REPORT_SWEEP_SECONDS: integer(0, 86_400).default(60),

    /**
     * Where the engine runs: `thread` (a worker thread per concurrent report, so the event loop
     * keeps renewing BullMQ locks; needs the compiled dist/, and the worker refuses to start
     * without it) or `inline` (the main thread: for running from the TypeScript sources).
     */
    COMPUTE_MODE: z.enum(['thread', 'inline']).default('thread'),
    /**
     * A report over more stores than this is split into equal store ranges of at most this size,
     * computed as children of its job on any worker and assembled into one CSV (docs/scaling.md, where the
     * default was measured: 20,000 keeps a worker near 300 MB at 10× the sample fleet, while the
     * sample fleet itself, 14,127 stores, stays one job). A very large value turns sharding off.
     */
    REPORT_SHARD_STORES: integer(1, 1_000_000_000).default(20_000),

    /** Webhook deliveries sent at once per worker process (I/O only: each waits on a receiver). */
    WEBHOOK_CONCURRENCY: integer(1, 500).default(20),
    /** Milliseconds one delivery attempt may take, connect to response, before it counts as failed. */
    WEBHOOK_TIMEOUT_MS: integer(100, 60_000).default(10_000),
    /**
     * Seconds to wait after each failed attempt (comma-separated; one more attempt than entries),
     * jittered ±20 %; after the last, the delivery is marked failed. Default ≈ 24 h in 9 attempts
     * (libs/webhooks/src/retry-schedule.ts); tests use fractions of a second.
     */
    WEBHOOK_RETRY_SECONDS: z
      .string()
      .default(DEFAULT_WEBHOOK_RETRY_SECONDS.join(','))
      .transform((text, context) => {
        const schedule = parseRetrySchedule(text);
        if (schedule === null) {
          context.addIssue({ code: 'custom', message: 'must be 1–30 comma-separated positive numbers of seconds (at most 604800 each)' });
          return z.NEVER;
        }
        return schedule;
      }),
  })
  .refine(s3KeysTogether, S3_KEYS_TOGETHER);

export type ApiEnv = z.output<typeof apiEnvSchema>;
export type WorkerEnv = z.output<typeof workerEnvSchema>;
/** The keys both apps share (database, Redis, S3). */
export type SharedEnv = Pick<ApiEnv, keyof ApiEnv & keyof WorkerEnv>;
