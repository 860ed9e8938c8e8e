import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

/**
 * Checks an answer of the API against the OpenAPI 3.1 document it serves: the status is one the
 * operation declares, the media type is one of that answer's, every required header is there and
 * every declared header matches its schema, and the body matches its schema (Ajv, JSON Schema
 * 2020-12: the dialect of OpenAPI 3.1).
 *
 * Why Ajv and a little matching code rather than an OpenAPI response validator:
 * openapi-response-validator (and jest-openapi on top of it) reads OpenAPI 3.0 only and is no
 * longer maintained; openapi-backend's 3.1 support is partial (its issue #532) and it checks bodies
 * only, not media types or required headers. Ajv is the maintained reference implementation of the
 * dialect the document's schemas are written in.
 */

export interface Answer {
  method: string;
  /** The request path, with or without a query string. */
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as received (text); empty when there is none. */
  text: string;
}

interface MediaTypeObject {
  schema?: unknown;
}
interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, HeaderObject | { $ref: string }>;
}
interface OperationObject {
  responses: Record<string, ResponseObject>;
}
interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { headers?: Record<string, HeaderObject> };
}

const DOCUMENT_ID = 'https://store-uptime.invalid/openapi.json';

export class OpenApiContract {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { template: string; pattern: RegExp }[];

  constructor(private readonly document: OpenApiDocument) {
    if (!document.openapi.startsWith('3.1.')) throw new Error(`expected an OpenAPI 3.1 document, got ${document.openapi}`);
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.routes = Object.keys(document.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map(escapeRegExp).join('[^/]+')}$`),
    }));
  }

  /** The documented path template a request path falls under, if any. */
  route(path: string): string | undefined {
    const bare = path.split('?')[0] ?? path;
    // A literal template wins over one with parameters (/reports vs /reports/{id}).
    const matches = this.routes.filter((route) => route.pattern.test(bare));
    return (matches.find((route) => !route.template.includes('{')) ?? matches[0])?.template;
  }

  /** Every way `answer` departs from the document; empty when it conforms. */
  violations(answer: Answer): string[] {
    const template = this.route(answer.path);
    const where = `${answer.method.toUpperCase()} ${answer.path} → ${answer.status}`;
    if (template === undefined) return [`${where}: the path is not in the document`];
    const method = answer.method.toLowerCase();
    const operation = this.document.paths[template]?.[method];
    if (!operation) return [`${where}: ${method.toUpperCase()} ${template} is not in the document`];
    const statusKey = String(answer.status);
    const declared = operation.responses[statusKey] ?? operation.responses[`${statusKey[0]}XX`] ?? operation.responses.default;
    if (!declared) return [`${where}: status not declared (declared: ${Object.keys(operation.responses).join(', ')})`];
    const pointer = `#/paths/${escapePointer(template)}/${method}/responses/${statusKey in operation.responses ? statusKey : `${statusKey[0]}XX`}`;
    return [...this.headerViolations(where, declared, answer), ...this.bodyViolations(where, declared, pointer, answer)];
  }

  private headerViolations(where: string, declared: ResponseObject, answer: Answer): string[] {
    const problems: string[] = [];
    for (const [name, headerOrRef] of Object.entries(declared.headers ?? {})) {
      const header = this.header(headerOrRef);
      const value = answer.headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`${where}: required header ${name} is missing`);
        continue;
      }
      if (header.schema === undefined) continue;
      const validate = this.ajv.compile(header.schema as object);
      if (!validate(Array.isArray(value) ? value.join(', ') : value)) problems.push(`${where}: header ${name}: ${this.ajv.errorsText(validate.errors)}`);
    }
    return problems;
  }

  private bodyViolations(where: string, declared: ResponseObject, pointer: string, answer: Answer): string[] {
    const contentType = answer.headers['content-type'];
    const mediaType = typeof contentType === 'string' ? (contentType.split(';')[0] ?? '').trim().toLowerCase() : undefined;
    const content = declared.content ?? {};
    if (Object.keys(content).length === 0) {
      return answer.text.length > 0 ? [`${where}: a body (${mediaType ?? 'no type'}) where the document declares none`] : [];
    }
    if (mediaType === undefined || !(mediaType in content)) {
      return [`${where}: media type ${mediaType ?? '(none)'} not declared (declared: ${Object.keys(content).join(', ')})`];
    }
    const schemaPointer = `${pointer}/content/${escapePointer(mediaType)}/schema`;
    if (content[mediaType]?.schema === undefined) return [];
    let body: unknown = answer.text;
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) {
      try {
        body = JSON.parse(answer.text) as unknown;
      } catch {
        return [`${where}: ${mediaType} body is not JSON`];
      }
    }
    const validate = this.validator(schemaPointer);
    return validate(body) ? [] : [`${where}: body: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`];
  }

  /** Violations of a body that no operation declares (an unknown route): it must be a problem document. */
  problemViolations(answer: Answer): string[] {
    const where = `${answer.method.toUpperCase()} ${answer.path} → ${answer.status}`;
    const contentType = answer.headers['content-type'];
    if (typeof contentType !== 'string' || !contentType.startsWith('application/problem+json')) return [`${where}: not application/problem+json`];
    const validate = this.validator('#/components/schemas/Problem');
    return validate(JSON.parse(answer.text)) ? [] : [`${where}: body: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`];
  }

  private header(headerOrRef: HeaderObject | { $ref: string }): HeaderObject {
    if (!('$ref' in headerOrRef)) return headerOrRef;
    const name = headerOrRef.$ref.replace('#/components/headers/', '');
    const header = this.document.components?.headers?.[name];
    if (!header) throw new Error(`unresolved header reference ${headerOrRef.$ref}`);
    return header;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }
}

/** A JSON pointer segment, percent-encoded for use in a URI fragment (`{id}`, `+json`). */
function escapePointer(segment: string): string {
  return encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
