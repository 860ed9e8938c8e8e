import supertest from 'supertest';
import type { Middleware } from 'openapi-fetch';
import { OpenApiContract, type Answer } from '../../../scripts/openapi/openapi-contract';

type Target = Parameters<typeof supertest>[0];
type Methods = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';

/**
 * Paths outside the API's contract: the document itself and Swagger UI, and Bull Board's own JSON
 * API below its (documented) UI. Everything else an end-to-end spec receives is checked.
 */
const OUTSIDE_CONTRACT = [/^\/docs(-json)?(\/|$)/, /^\/admin\/queues\/./];

/** How `answer` departs from the document (empty when it does not); for clients other than supertest. */
export function contractViolations(contract: OpenApiContract, answer: Answer): string[] {
  const path = answer.path.split('?')[0] ?? answer.path;
  if (OUTSIDE_CONTRACT.some((pattern) => pattern.test(path))) return [];
  // An undocumented route (404 from the router) must still answer a problem document.
  if (contract.route(path) === undefined) return contract.problemViolations(answer);
  return contract.violations(answer);
}

/**
 * supertest, with every answer checked against the served document (`contract()`: read when the
 * answer arrives, so it can be fetched after the app starts). A departure fails the request's
 * test with each violation named. With `apiKey`, every request carries `Authorization: Bearer
 * <key>` (read when the request is made: keys are created after the app starts; a test may still
 * set another Authorization header).
 */
export function contractRequest(contract: () => OpenApiContract | undefined, apiKey: () => string | undefined = () => undefined) {
  return (target: Target): Pick<ReturnType<typeof supertest>, Methods> => {
    const agent = supertest(target);
    const checked =
      (method: Methods) =>
      (url: string): supertest.Test => {
        const test = agent[method](url);
        const key = apiKey();
        if (key !== undefined) void test.set('Authorization', `Bearer ${key}`);
        return test.expect((response: supertest.Response) => {
          const current = contract();
          if (!current) throw new Error('the OpenAPI contract is not loaded yet');
          const req = (response as unknown as { req: { method: string; path: string } }).req;
          const problems = contractViolations(current, { method: req.method, path: req.path, status: response.status, headers: response.headers, text: response.text ?? '' });
          if (problems.length > 0) throw new Error(`answer departs from the OpenAPI document:\n${problems.join('\n')}`);
        });
      };
    return { get: checked('get'), post: checked('post'), put: checked('put'), patch: checked('patch'), delete: checked('delete'), head: checked('head') };
  };
}

/** openapi-fetch middleware: every answer the typed client receives is checked the same way. */
export function contractMiddleware(contract: OpenApiContract): Middleware {
  return {
    async onResponse({ request, response }) {
      const url = new URL(request.url);
      const problems = contractViolations(contract, {
        method: request.method,
        path: `${url.pathname}${url.search}`,
        status: response.status,
        headers: Object.fromEntries(response.headers.entries()),
        text: await response.clone().text(),
      });
      if (problems.length > 0) throw new Error(`answer departs from the OpenAPI document:\n${problems.join('\n')}`);
      return undefined;
    },
  };
}

/** The contract of the API behind `target`: the document it serves at /docs-json. */
export async function loadContract(target: Target): Promise<OpenApiContract> {
  const response = await supertest(target).get('/docs-json').expect(200);
  return new OpenApiContract(response.body as ConstructorParameters<typeof OpenApiContract>[0]);
}
