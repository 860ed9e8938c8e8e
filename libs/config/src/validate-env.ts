import type { z } from 'zod';
import { apiEnvSchema, workerEnvSchema, type ApiEnv, type WorkerEnv } from './env.schema';

/** Thrown at boot when the environment is incomplete or wrong; the message names every bad key. */
export class EnvValidationError extends Error {
  constructor(
    readonly app: string,
    readonly problems: string[],
  ) {
    super(`Invalid configuration for the ${app}:\n${problems.map((line) => `  - ${line}`).join('\n')}\nSee .env.example.`);
    this.name = 'EnvValidationError';
  }
}

type RawEnv = Record<string, unknown>;

/**
 * Parses the environment with `schema`. Empty strings count as unset (docker-compose and
 * Kubernetes often pass `KEY=`), so defaults apply. Messages name the key and the rule, never the
 * value: a value may be a secret.
 */
function validateEnv<S extends z.ZodType>(app: string, schema: S, env: RawEnv): z.output<S> {
  const cleaned: RawEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (typeof value === 'string' && value.trim() === '') continue;
    cleaned[key] = typeof value === 'string' ? value.trim() : value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(environment)';
    const message = issue.code === 'invalid_type' && cleaned[key] === undefined ? 'is required' : issue.message;
    return `${key}: ${message}`;
  });
  throw new EnvValidationError(app, problems);
}

/** `ConfigModule.forRoot({ validate })` for the API. */
export function validateApiEnv(env: RawEnv): ApiEnv {
  return validateEnv('API', apiEnvSchema, env);
}

/** `ConfigModule.forRoot({ validate })` for the worker. */
export function validateWorkerEnv(env: RawEnv): WorkerEnv {
  return validateEnv('worker', workerEnvSchema, env);
}
