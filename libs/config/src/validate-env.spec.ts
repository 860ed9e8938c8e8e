import { pgPoolSettings } from './derived';
import { EnvValidationError, validateApiEnv, validateWorkerEnv } from './validate-env';

const minimal = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/uptime',
  REDIS_URL: 'redis://127.0.0.1:6379',
  S3_BUCKET: 'store-uptime-reports',
};

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof EnvValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('validateApiEnv', () => {
  it('applies the documented defaults to a minimal environment', () => {
    const env = validateApiEnv(minimal);
    expect(env).toMatchObject({
      PORT: 3000,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: false,
      REPORT_URL_TTL_SECONDS: 86_400,
      TRIGGER_RATE_LIMIT: 60,
      REDIS_PREFIX: 'bull',
      LOG_LEVEL: 'info',
    });
    expect(env.BULL_BOARD_USER).toBeUndefined();
    expect(env.S3_ENDPOINT).toBeUndefined();
  });

  it('coerces numbers and flags from their string form', () => {
    const env = validateApiEnv({ ...minimal, PORT: '8080', S3_FORCE_PATH_STYLE: 'true', REPORT_URL_TTL_SECONDS: '3600' });
    expect(env.PORT).toBe(8080);
    expect(env.S3_FORCE_PATH_STYLE).toBe(true);
    expect(env.REPORT_URL_TTL_SECONDS).toBe(3600);
  });

  it('treats empty strings as unset so defaults apply', () => {
    expect(validateApiEnv({ ...minimal, PORT: '', S3_ENDPOINT: '  ' }).PORT).toBe(3000);
  });

  it('names every missing key in one message', () => {
    const problems = problemsOf(() => validateApiEnv({}));
    expect(problems).toEqual(
      expect.arrayContaining(['DATABASE_URL: is required', 'REDIS_URL: is required', 'S3_BUCKET: is required']),
    );
  });

  it.each([
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL: must be a URL like postgres:/],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: must be a URL like redis:/],
    ['PORT', '70000', /PORT:/],
    ['S3_BUCKET', 'Not_A_Bucket', /S3_BUCKET: must be a valid S3 bucket name/],
    ['S3_FORCE_PATH_STYLE', 'maybe', /S3_FORCE_PATH_STYLE: must be true or false/],
    ['REPORT_URL_TTL_SECONDS', '999999999', /REPORT_URL_TTL_SECONDS:/],
  ])('rejects a bad %s with a message naming it', (key, value, pattern) => {
    const problems = problemsOf(() => validateApiEnv({ ...minimal, [key]: value }));
    expect(problems.join('\n')).toMatch(pattern);
  });

  it('requires the Bull Board user and password together', () => {
    expect(problemsOf(() => validateApiEnv({ ...minimal, BULL_BOARD_USER: 'ops' })).join('\n')).toMatch(/BULL_BOARD_PASSWORD/);
    expect(validateApiEnv({ ...minimal, BULL_BOARD_USER: 'ops', BULL_BOARD_PASSWORD: 'long-enough' }).BULL_BOARD_USER).toBe('ops');
  });

  it('requires both S3 keys or neither', () => {
    expect(problemsOf(() => validateApiEnv({ ...minimal, S3_ACCESS_KEY_ID: 'ak' })).join('\n')).toMatch(/S3_SECRET_ACCESS_KEY/);
  });

  it('never repeats a value in its message (values may be secrets)', () => {
    const secret = 'postgres-password-9f8e7d';
    const error = (() => {
      try {
        validateApiEnv({ ...minimal, DATABASE_URL: `mysql://u:${secret}@h/db`, BULL_BOARD_PASSWORD: 'short' });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(error?.message).toBeDefined();
    expect(error?.message).not.toContain(secret);
    expect(error?.message).not.toContain('short');
  });
});

describe('validateWorkerEnv', () => {
  it('applies the worker defaults', () => {
    expect(validateWorkerEnv(minimal)).toMatchObject({
      WORKER_PORT: 3001,
      WORKER_CONCURRENCY: 1,
      WORKER_DRAIN_SECONDS: 60,
      REPORT_SWEEP_SECONDS: 60,
      WORKER_LOCK_MS: 20_000,
      WORKER_STALLED_INTERVAL_MS: 10_000,
      WEBHOOK_ALLOW_PRIVATE: false,
      WEBHOOK_CONCURRENCY: 20,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_RETRY_SECONDS: [5, 60, 300, 1_800, 7_200, 18_000, 28_800, 28_800],
    });
  });

  it('reads a webhook retry schedule in seconds, fractions allowed, and names a bad one', () => {
    expect(validateWorkerEnv({ ...minimal, WEBHOOK_RETRY_SECONDS: '0.2, 0.5' }).WEBHOOK_RETRY_SECONDS).toEqual([0.2, 0.5]);
    for (const bad of ['5,,60', '5,-1', 'soon']) {
      expect(problemsOf(() => validateWorkerEnv({ ...minimal, WEBHOOK_RETRY_SECONDS: bad })).join('\n')).toMatch(/WEBHOOK_RETRY_SECONDS.*comma-separated/);
    }
  });

  it('rejects a zero concurrency', () => {
    expect(problemsOf(() => validateWorkerEnv({ ...minimal, WORKER_CONCURRENCY: '0' })).join('\n')).toMatch(/WORKER_CONCURRENCY/);
  });
});

describe('pgPoolSettings', () => {
  const env = validateWorkerEnv(minimal);

  it('gives every connect and statement a deadline', () => {
    expect(pgPoolSettings(env)).toMatchObject({ connectionTimeoutMillis: 5_000, statement_timeout: 5_000 });
  });

  it("leaves pg's client read timeout out unless asked (it breaks COPY streams)", () => {
    expect(pgPoolSettings(env, { statementTimeoutMs: 60_000 })).not.toHaveProperty('query_timeout');
    expect(pgPoolSettings(env, { clientReadTimeout: true })).toMatchObject({ query_timeout: 6_000 });
  });
});
