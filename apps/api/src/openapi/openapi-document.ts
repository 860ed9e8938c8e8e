import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { BULL_BOARD_PATH } from '../admin/bull-board';
import { PROBLEM_CONTENT_TYPE } from '../problem/problem';
import { EXAMPLES, PROBLEM_EXAMPLES } from './api-examples';
import { RESPONSE_HEADERS } from './api-responses';
import { componentSchemas, schemaRef } from './api-schemas';

type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ResponsesObject = OperationObject['responses'];
type ResponseObject = Exclude<ResponsesObject[string], { $ref: string }>;

const BULL_BOARD_SECURITY = 'bullBoardBasic';
/** The name @ApiBearerAuth() refers to by default: the API key of every report and store route. */
const API_KEY_SECURITY = 'bearer';

/**
 * The OpenAPI 3.1 document the API serves at /docs-json: the operations from the controllers'
 * decorators, the schemas from zod (api-schemas.ts), and what no controller declares: the
 * response headers, the security schemes and Bull Board (mounted by its own module). Public
 * operations say `security: []` on purpose: they take no credentials. An operation that takes an
 * API key (@ApiBearerAuth, next to RequiresScope) must declare its 401 and 403 answers.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('store-uptime')
    .setDescription(
      'Trigger store uptime reports and poll them until their CSV is ready. Every error is application/problem+json (RFC 9457). ' +
        'Unknown query parameters and body fields are refused (400), and a body must be application/json (415).',
    )
    .setVersion('1')
    .addServer('/', 'The server this document is served by')
    .addTag('reports', 'Trigger a report, poll its status, download its CSV')
    .addTag('stores', 'One store on demand: its numbers, and the evidence behind them')
    .addTag('webhooks', "Signed notifications (Standard Webhooks) when an owner's reports finish")
    .addTag('compatibility', "The original service's routes, with their original bodies")
    .addTag('health', 'Kubernetes probes')
    .addTag('operations', 'Metrics and the queue UI, for operators')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'An API key, su_live_… (npm run keys -- create); its scopes: reports:read, reports:write or admin' },
      API_KEY_SECURITY,
    )
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Bull Board credentials (BULL_BOARD_USER, BULL_BOARD_PASSWORD)' }, BULL_BOARD_SECURITY)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });

  // package.json: UNLICENSED (private, all rights reserved); there is no licence text to link to.
  document.info.license = { name: 'UNLICENSED (proprietary, all rights reserved)' };
  document.info.contact = { name: 'store-uptime maintainers' };
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...componentSchemas() },
    headers: Object.fromEntries(Object.entries(RESPONSE_HEADERS).map(([key, { header }]) => [key, header])),
  };
  document.paths[BULL_BOARD_PATH] = bullBoardPath();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const value of Object.values(item) as unknown[]) {
      if (typeof value !== 'object' || value === null || !('responses' in value)) continue;
      const operation = value as OperationObject;
      // Public unless the operation names its scheme.
      if (path !== BULL_BOARD_PATH && !takesApiKey(operation)) operation.security = [];
      if (takesApiKey(operation) && (operation.responses['401'] === undefined || operation.responses['403'] === undefined)) {
        throw new Error(`${operation.operationId ?? path} takes an API key but does not declare its 401 and 403 answers (READ_KEY_PROBLEMS, WRITE_KEY_PROBLEMS)`);
      }
      completeSharedOperation(operation.responses);
    }
  }
  return document;
}

function takesApiKey(operation: OperationObject): boolean {
  return operation.security?.some((requirement) => API_KEY_SECURITY in requirement) ?? false;
}

/**
 * The health probes live in libs/health, shared with the worker (which serves no document), so
 * their answers get what the API's decorators give every other operation here: the 400 for an
 * unknown query parameter, the 500, and an example for each answer.
 */
function completeSharedOperation(responses: ResponsesObject): void {
  const problem = (kind: 'unknownQueryParameter' | 'internalError', description: string) => ({
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem'), examples: { [kind]: PROBLEM_EXAMPLES[kind] } } },
  });
  responses['400'] ??= problem('unknownQueryParameter', 'An unknown query parameter (each listed in `errors`)');
  responses['500'] ??= problem('internalError', 'Unexpected error (logged; its text is never sent)');
  for (const response of Object.values(responses)) {
    for (const [mediaType, content] of Object.entries((response as ResponseObject | undefined)?.content ?? {})) {
      if (content.example !== undefined || content.examples !== undefined) continue;
      const ref = (content.schema as { $ref?: string } | undefined)?.$ref;
      if (ref === schemaRef('HealthStatus').$ref) content.examples = EXAMPLES.health;
      else if (ref === schemaRef('Problem').$ref && mediaType === PROBLEM_CONTENT_TYPE) content.examples = { notReady: PROBLEM_EXAMPLES.notReady };
    }
  }
}

/** Bull Board's UI; its own JSON API below this path is the library's, not part of this contract. */
function bullBoardPath(): OpenAPIObject['paths'][string] {
  return {
    get: {
      operationId: 'bullBoard',
      tags: ['operations'],
      summary: 'Bull Board, the queue UI',
      description: 'The operators\' view of the reports queue (HTML). Mounted only when BULL_BOARD_USER and BULL_BOARD_PASSWORD are set; otherwise 404.',
      security: [{ [BULL_BOARD_SECURITY]: [] }],
      responses: {
        200: { description: 'The UI', content: { 'text/html': { schema: { type: 'string' }, example: '<!DOCTYPE html><html>…</html>' } } },
        401: {
          description: 'Credentials missing or wrong',
          headers: { 'WWW-Authenticate': { description: 'The basic-auth challenge', required: true, schema: { type: 'string' } } },
          content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem'), examples: { unauthorized: PROBLEM_EXAMPLES.unauthorized } } },
        },
        404: {
          description: 'Not mounted (no credentials configured)',
          content: {
            [PROBLEM_CONTENT_TYPE]: {
              schema: schemaRef('Problem'),
              examples: {
                notMounted: {
                  summary: 'Bull Board is not mounted',
                  value: { type: 'about:blank', title: 'Not Found', status: 404, detail: 'Cannot GET /admin/queues', instance: '/admin/queues' },
                },
              },
            },
          },
        },
      },
    },
  };
}
