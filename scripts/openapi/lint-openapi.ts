import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../faults/processes';
import { API_TYPES_FILE, apiTypesAreCurrent } from './api-types';
import { fetchServedDocument } from './served-document';

/**
 * `npm run lint:openapi`: Spectral (spectral:oas, .spectral.yaml) and Redocly (recommended,
 * redocly.yaml) on the document the running API serves. Fails on any error or warning (a warning
 * is either fixed or switched off, with its reason, in the ruleset), and when the committed client
 * types (npm run gen:api-types) are not the ones the document gives.
 */
async function main(): Promise<void> {
  const document = await fetchServedDocument();
  const file = join(mkdtempSync(join(tmpdir(), 'openapi-')), 'openapi.json');
  writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
  console.log(`served document: ${file} (OpenAPI ${String(document.openapi)}, ${Object.keys(document.paths as object).length} paths)`);

  const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);
  const spectral = spawnSync(bin('spectral'), ['lint', '--ruleset', join(REPO_ROOT, '.spectral.yaml'), '--fail-severity', 'warn', file], {
    stdio: 'inherit',
  });
  const redocly = spawnSync(bin('redocly'), ['lint', '--config', join(REPO_ROOT, 'redocly.yaml'), '--format', 'json', file], {
    encoding: 'utf8',
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
  });
  const redoclyProblems = redoclyResult(redocly.stdout, redocly.stderr);
  for (const problem of redoclyProblems.problems) console.log(`redocly ${problem}`);
  console.log(`redocly: ${redoclyProblems.errors} errors, ${redoclyProblems.warnings} warnings`);

  // The typed client of the end-to-end suite must be the one this document gives.
  const typesCurrent = await apiTypesAreCurrent(document);
  if (!typesCurrent) console.log(`${API_TYPES_FILE} is stale: npm run gen:api-types`);

  const failed = spectral.status !== 0 || redoclyProblems.errors + redoclyProblems.warnings > 0 || !typesCurrent;
  if (failed) process.exitCode = 1;
  else console.log('lint:openapi: Spectral and Redocly accept the served document (0 errors, 0 warnings); the client types are current');
}

interface RedoclyProblem {
  ruleId: string;
  severity: string;
  message: string;
  location?: { pointer?: string }[];
}

function redoclyResult(stdout: string, stderr: string): { errors: number; warnings: number; problems: string[] } {
  let parsed: { totals: { errors: number; warnings: number }; problems: RedoclyProblem[] };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    throw new Error(`redocly lint gave no JSON result:\n${stdout}\n${stderr}`);
  }
  return {
    errors: parsed.totals.errors,
    warnings: parsed.totals.warnings,
    problems: parsed.problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} (${p.location?.[0]?.pointer ?? ''})`),
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
