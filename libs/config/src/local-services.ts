/**
 * The services a development machine runs (`scripts/services/ensure-services.sh`: PostgreSQL,
 * Redis and Ceph RGW as S3) and the names this project uses on them by default. The one owner of
 * these defaults: `npm start`, the command-line tools, the tests and the benchmarks all read them
 * here, each with its own environment overrides. The apps themselves have no defaults for these
 * (a deployment must say where its services are; libs/config/src/env.schema.ts).
 */

export const LOCAL_DEFAULTS = {
  /** Never the `postgres` maintenance database: data loaded there is easy to lose track of. */
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/store_uptime',
  redisUrl: 'redis://127.0.0.1:6379',
  redisPrefix: 'bull',
  s3: {
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    bucket: 'store-uptime-reports',
    accessKeyId: 'testak',
    secretAccessKey: 'testsecret',
  },
} as const;

export interface LocalServices {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  s3: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string };
}

/**
 * The local services with the environment's overrides: `DATABASE_URL`, `REDIS_URL`,
 * `REDIS_PREFIX`, `S3_ENDPOINT`, `S3_REGION`, `S3_BUCKET`, `S3_ACCESS_KEY_ID`,
 * `S3_SECRET_ACCESS_KEY`, each read as `<prefix><key>` (the tests read `TEST_…`, the benchmarks
 * `BENCH_…`, so a developer's exported app settings never redirect a test run). Empty values count
 * as unset, as in the apps' config.
 */
export function localServices(env: Record<string, string | undefined> = process.env, prefix = ''): LocalServices {
  const read = (key: string): string | undefined => env[`${prefix}${key}`]?.trim() || undefined;
  const { s3 } = LOCAL_DEFAULTS;
  return {
    databaseUrl: read('DATABASE_URL') ?? LOCAL_DEFAULTS.databaseUrl,
    redisUrl: read('REDIS_URL') ?? LOCAL_DEFAULTS.redisUrl,
    redisPrefix: read('REDIS_PREFIX') ?? LOCAL_DEFAULTS.redisPrefix,
    s3: {
      endpoint: read('S3_ENDPOINT') ?? s3.endpoint,
      region: read('S3_REGION') ?? s3.region,
      bucket: read('S3_BUCKET') ?? s3.bucket,
      accessKeyId: read('S3_ACCESS_KEY_ID') ?? s3.accessKeyId,
      secretAccessKey: read('S3_SECRET_ACCESS_KEY') ?? s3.secretAccessKey,
    },
  };
}

/**
 * The same server's `postgres` maintenance database: where `CREATE DATABASE` and `DROP DATABASE`
 * run (a database cannot create or drop itself). Only for that, never for data.
 */
export function maintenanceDatabaseUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** The database name of a PostgreSQL URL (`store_uptime` for the default). */
export function databaseName(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres';
}

/**
 * Where a PostgreSQL URL points, for messages: `database "store_uptime" on 127.0.0.1:5432 as
 * postgres`. Never the password.
 */
export function describeDatabaseUrl(databaseUrl: string): string {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
  const user = url.username ? ` as ${decodeURIComponent(url.username)}` : '';
  return `database "${databaseName(databaseUrl)}" on ${url.hostname}:${url.port || '5432'}${user}`;
}
