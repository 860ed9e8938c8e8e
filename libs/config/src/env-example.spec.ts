import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiEnvSchema, workerEnvSchema } from './env.schema';
import { validateApiEnv, validateWorkerEnv } from './validate-env';

/** `.env.example` documents every key; keep it in step with the schemas. */
const example = Object.fromEntries(
  readFileSync(join(__dirname, '..', '..', '..', '.env.example'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);

describe('.env.example', () => {
  it('is accepted by both apps as it stands', () => {
    expect(() => validateApiEnv(example)).not.toThrow();
    expect(() => validateWorkerEnv(example)).not.toThrow();
  });

  it('lists every key of both schemas, and nothing else', () => {
    const keys = new Set([...Object.keys(apiEnvSchema.shape), ...Object.keys(workerEnvSchema.shape)]);
    expect(Object.keys(example).sort()).toEqual([...keys].sort());
  });

  it('holds no secret', () => {
    expect(example.S3_SECRET_ACCESS_KEY).toBe('');
    expect(example.BULL_BOARD_PASSWORD).toBe('');
    expect(example.DATABASE_URL).not.toMatch(/:[^@/]+@/);
  });
});
