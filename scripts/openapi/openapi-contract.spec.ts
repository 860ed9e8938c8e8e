import { OpenApiContract, type Answer } from './openapi-contract';

const document = {
  openapi: '3.1.0',
  paths: {
    '/things': {
      post: {
        responses: {
          '202': {
            headers: { Location: { $ref: '#/components/headers/Location' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
          },
          '400': { content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        },
      },
    },
    '/things/{id}': {
      get: { responses: { '200': { content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } } } } },
    },
    '/things/{id}/file': {
      get: { responses: { '302': { headers: { Location: { $ref: '#/components/headers/Location' } } } } },
    },
  },
  components: {
    headers: { Location: { required: true, schema: { type: 'string', pattern: '^/' } } },
    schemas: {
      Thing: {
        type: 'object',
        properties: { id: { type: 'string', pattern: '^[0-9a-f]{4}$' }, at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } },
        required: ['id', 'at'],
        additionalProperties: false,
      },
      Problem: { type: 'object', properties: { status: { type: 'integer' } }, required: ['status'] },
    },
  },
};

const contract = new OpenApiContract(document);
const json = { 'content-type': 'application/json; charset=utf-8' };
const created: Answer = { method: 'POST', path: '/things', status: 202, headers: { ...json, location: '/things/abcd' }, text: '{"id":"abcd","at":null}' };

describe('OpenApiContract', () => {
  it('accepts answers as documented', () => {
    expect(contract.violations(created)).toEqual([]);
    expect(contract.violations({ method: 'GET', path: '/things/abcd?x=1', status: 200, headers: json, text: '{"id":"abcd","at":"2023-01-24T12:00:00Z"}' })).toEqual([]);
    expect(contract.violations({ method: 'GET', path: '/things/abcd/file', status: 302, headers: { location: '/s3/x' }, text: '' })).toEqual([]);
  });

  it.each([
    ['an undeclared status', { ...created, status: 500 }, /status not declared/],
    ['an undeclared media type', { ...created, headers: { 'content-type': 'text/html', location: '/x' } }, /media type text\/html not declared/],
    ['a missing required header', { ...created, headers: json }, /required header Location is missing/],
    ['a header against its schema', { ...created, headers: { ...json, location: 'http://elsewhere' } }, /header Location/],
    ['a body against its schema', { ...created, text: '{"id":"ABCD","at":null,"extra":1}' }, /body.*(pattern|additional)/],
    ['a date-time that is not one', { ...created, text: '{"id":"abcd","at":"yesterday"}' }, /format/],
    ['a body that is not JSON', { ...created, text: '<html>' }, /not JSON/],
    ['a body where none is declared', { method: 'GET', path: '/things/abcd/file', status: 302, headers: { location: '/s3', 'content-type': 'text/plain' }, text: 'Found.' }, /declares none/],
    ['an undocumented method', { ...created, method: 'DELETE' }, /not in the document/],
  ])('reports %s', (_name, answer: Answer, message) => {
    expect(contract.violations(answer).join('\n')).toMatch(message);
  });

  it('matches paths to templates, literal ones first', () => {
    expect([contract.route('/things'), contract.route('/things/ab12'), contract.route('/things/ab12/file'), contract.route('/other')]).toEqual([
      '/things',
      '/things/{id}',
      '/things/{id}/file',
      undefined,
    ]);
  });

  it('checks an undocumented route answers a problem document', () => {
    expect(contract.problemViolations({ method: 'GET', path: '/nope', status: 404, headers: { 'content-type': 'application/problem+json' }, text: '{"status":404}' })).toEqual([]);
    expect(contract.problemViolations({ method: 'GET', path: '/nope', status: 404, headers: { 'content-type': 'text/html' }, text: 'Not found' })).not.toEqual([]);
  });

  it('refuses a document that is not OpenAPI 3.1', () => {
    expect(() => new OpenApiContract({ ...document, openapi: '3.0.0' })).toThrow(/3\.1/);
  });
});
