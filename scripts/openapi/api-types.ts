import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { REPO_ROOT } from '../faults/processes';
import { fetchServedDocument } from './served-document';

/**
 * The TypeScript types of the API generated from its served OpenAPI document (openapi-typescript),
 * for the typed client the end-to-end suite drives the API with (openapi-fetch). Committed, so the
 * specs compile without a running API; `npm run lint:openapi` fails when they are stale.
 *
 *   npm run gen:api-types     # rewrite test/e2e/support/api-types.ts from the served document
 */
export const API_TYPES_FILE = join(REPO_ROOT, 'test', 'e2e', 'support', 'api-types.ts');

export async function apiTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0]);
  return (
    '// Generated from the OpenAPI document the API serves (/docs-json) by `npm run gen:api-types`\n' +
    '// (openapi-typescript, scripts/openapi/api-types.ts). Do not edit: regenerate.\n\n' +
    astToString(ast)
  );
}

/** Whether the committed types are what the document gives now. */
export async function apiTypesAreCurrent(document: Record<string, unknown>): Promise<boolean> {
  let committed: string;
  try {
    committed = readFileSync(API_TYPES_FILE, 'utf8');
  } catch {
    return false;
  }
  return committed === (await apiTypes(document));
}

async function main(): Promise<void> {
  writeFileSync(API_TYPES_FILE, await apiTypes(await fetchServedDocument()));
  console.log(`wrote ${API_TYPES_FILE}`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
