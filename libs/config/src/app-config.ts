import type { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LOG_REDACT_PATHS } from './derived';

export interface AppConfigOptions {
  /** Values layered over the environment (tests run several apps in one process). */
  env?: Record<string, string>;
  /** Skip reading `.env` (tests must not depend on a developer's file). */
  ignoreEnvFile?: boolean;
}

/**
 * An app's global ConfigModule and its environment (`.env`, the process environment, then
 * `options.env`), validated once by `validate` before anything else is built: every module and
 * provider of the app is then built from this typed result, so nothing reads a setting that has not
 * been validated, and a bad one stops the boot with validate's message.
 */
export async function loadAppConfig<Env extends Record<string, unknown>>(
  validate: (raw: Record<string, unknown>) => Env,
  options: AppConfigOptions = {},
): Promise<{ configModule: DynamicModule; env: Env }> {
  let env: Env | undefined;
  const configModule = await ConfigModule.forRoot({
    isGlobal: true,
    ignoreEnvFile: options.ignoreEnvFile ?? false,
    validate: (raw) => (env = validate({ ...raw, ...options.env })),
  });
  if (env === undefined) throw new Error('ConfigModule.forRoot did not validate the environment');
  return { configModule, env };
}

/** The pino-http options both apps share: level, the app's name on every line, redaction. */
export function appLogOptions(app: 'api' | 'worker', env: { LOG_LEVEL: string }) {
  return { level: env.LOG_LEVEL, base: { app }, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } };
}
