import { z } from 'zod';
import { ReportStatus } from '@store-uptime/db';
import { REPORT_ID_FORM } from '@store-uptime/queue';
import { REPORT_VALUE_COLUMNS, REPORT_WARNING_CODES, UPTIME_METHODS } from '@store-uptime/uptime';
import { WEBHOOK_EVENTS } from '@store-uptime/webhooks';
import { getReportBodyDocSchema, listQuerySchema, reportIdSchema, triggerBodySchema } from '../reports/report-params';
import { reportRowsQuerySchema, type ReportRowsQueryParameter } from '../reports/report-rows-params';
import { webhookCreateSchema, webhookIdSchema } from '../webhooks/webhook-params';
import { STORE_SCHEMAS } from '../stores/store-views';

/**
 * Every request and answer body of the API as zod schemas (the ones the code validates with),
 * named for `components.schemas` of the OpenAPI document. One dialect: OpenAPI 3.1's, i.e. JSON
 * Schema 2020-12, which is what z.toJSONSchema writes by default.
 */

const isoInstant = z.string().describe('ISO-8601 instant (UTC)');
const reportId = reportIdSchema.describe(`A report id: ${REPORT_ID_FORM}.`);
const links = z.object({
  self: z.string().describe('The status URL (GET /reports/{id})'),
  download: z.string().describe('The CSV download (GET /reports/{id}/download)'),
});
const invalidField = z.object({
  path: z.string().describe('The field (or query parameter) concerned; `(body)` for the body as a whole'),
  message: z.string(),
});

const reportDetails = z.object({
  id: reportId,
  status: z.enum(ReportStatus),
  progress: z.number().min(0).max(1),
  parameters: z.object({ as_of: isoInstant.nullable(), method: z.enum(UPTIME_METHODS) }),
  counts: z.object({
    stores: z.number().int().min(0).nullable().describe('Stores in the report; null until it is complete'),
    polls_after_now: z.number().int().min(0).nullable().describe("Polls later than now_used in the report's week, left out of it; null until it is complete"),
  }),
  now_used: isoInstant.nullable().describe('The "now" the report used; null until it is complete'),
  warnings: z
    .array(z.object({ code: z.enum(REPORT_WARNING_CODES), count: z.number().int().min(0) }))
    .describe(
      'What the numbers alone do not say; the report is complete and correct all the same. no_polls: no poll at or before now in the week, so no store (count 0); ' +
        'stores_without_zone / invalid_zone: stores computed in America/Chicago because their zone is missing / not an IANA name (count: stores).',
    ),
  error: z.string().nullable(),
  attempts: z.number().int().min(0),
  created_at: isoInstant,
  started_at: isoInstant.nullable(),
  finished_at: isoInstant.nullable(),
  links,
});

const webhookId = webhookIdSchema.describe('A webhook endpoint id: 32 lowercase hexadecimal characters.');
const webhook = z.object({
  id: webhookId,
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENTS)),
  owner: z.string().nullable().describe('The owner of the key that registered it (null with API_AUTH=off); it hears about this owner\'s reports'),
  created_at: isoInstant,
  links: z.object({ self: z.string(), deliveries: z.string().describe('GET /webhooks/{id}/deliveries') }),
});
const signingSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/)
  .describe('The Standard Webhooks signing secret: whsec_ and the base64 key. Shown once; keep it to verify webhook-signature.');

/** One store's line of a report: the CSV's columns and numbers (minutes for the hour, hours for the day and week). */
const reportStoreRow = z.object({
  store_id: z.string(),
  ...Object.fromEntries(REPORT_VALUE_COLUMNS.map((name) => [name, z.number().min(0).describe('As the CSV prints it (two decimals)')])),
}) as z.ZodObject<{ store_id: z.ZodString } & Record<(typeof REPORT_VALUE_COLUMNS)[number], z.ZodNumber>>;

const schemas = {
  ReportId: reportId,
  ReportLinks: links,
  TriggerRequest: triggerBodySchema,
  TriggerAccepted: z.object({
    id: reportId,
    status: z.literal(ReportStatus.queued),
    links,
    callback_secret: signingSecret.optional().describe('With a callback_url only: the secret its deliveries are signed with (whsec_…); shown in this answer (and its Idempotency-Key replays) only'),
  }),
  ReportDetails: reportDetails,
  ReportList: z.object({
    items: z.array(reportDetails).describe('Newest first'),
    next: z.string().nullable().describe('The next page (same filters, opaque cursor); null on the last page'),
  }),
  WebhookId: webhookId,
  WebhookCreateRequest: webhookCreateSchema,
  Webhook: webhook,
  WebhookCreated: webhook.extend({ secret: signingSecret }),
  WebhookList: z.object({ items: z.array(webhook).describe('Newest first') }),
  WebhookDeliveries: z.object({
    items: z
      .array(
        z.object({
          webhook_id: z.string().describe('The webhook-id header of the delivery: the same on every attempt of it'),
          event: z.enum(WEBHOOK_EVENTS),
          report_id: reportId,
          attempt: z.number().int().min(1),
          attempted_at: isoInstant,
          status_code: z.number().int().nullable().describe('The receiver\'s status code; null when it did not answer'),
          duration_ms: z.number().int().min(0),
          response_excerpt: z.string().nullable().describe('The first 200 characters of the answer, whitespace folded'),
          error: z.string().nullable().describe('Why there was no answer (refused, timed out, address not allowed)'),
          outcome: z.enum(['delivered', 'retrying', 'failed']).describe('delivered: a 2xx; retrying: tried again later; failed: the last attempt failed'),
          delivery_status: z.enum(['pending', 'delivered', 'failed']).describe('What became of the delivery as a whole'),
        }),
      )
      .describe('The latest 100 attempts, newest first'),
  }),
  ReportStoreRow: reportStoreRow,
  ReportStores: z.object({
    report_id: reportId,
    items: z.array(reportStoreRow).describe('In the requested order; ties by store_id'),
    next: z.string().nullable().describe('The next page (same parameters, opaque cursor); null on the last page'),
  }),
  CompatTriggerAnswer: z.object({ report_id: reportId }),
  CompatStatusRequest: getReportBodyDocSchema.extend({ report_id: reportId }),
  CompatReportState: z.union([
    z.object({ status: z.literal('Running'), progress: z.number().min(0).max(1) }),
    z.object({ status: z.literal('Complete'), url: z.string().describe('Presigned S3 GET URL of the CSV') }),
    z.object({ status: z.literal('Failed'), error: z.string() }),
    z.object({ status: z.literal('Cancelled') }),
  ]),
  InvalidField: invalidField,
  Problem: z
    .object({
      type: z.string().describe('`about:blank` or a `urn:store-uptime:problem:…` URN'),
      title: z.string(),
      status: z.number().int().min(400).max(599),
      detail: z.string(),
      instance: z.string().describe('The request path'),
      errors: z.array(invalidField).optional().describe('Each invalid field or parameter (400)'),
      scope: z.string().optional().describe('The scope the API key lacks (403)'),
      checks: z
        .record(z.string(), z.object({ status: z.string() }).catchall(z.unknown()))
        .optional()
        .describe('Each readiness check (503 from /health/ready)'),
    })
    .describe('RFC 9457 problem details'),
  ...STORE_SCHEMAS,
  HealthStatus: z.object({
    status: z.literal('ok'),
    info: z.record(z.string(), z.object({ status: z.literal('up') }).catchall(z.unknown())),
    error: z.record(z.string(), z.object({ status: z.string() }).catchall(z.unknown())),
    details: z.record(z.string(), z.object({ status: z.string() }).catchall(z.unknown())),
  }),
};

export type SchemaName = keyof typeof schemas;

/** `#/components/schemas/<name>`. */
export function schemaRef(name: SchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

/** The schema of one query parameter of GET /reports, from the zod schema that validates it. */
export function listQueryParameterSchema(name: keyof typeof listQuerySchema.shape): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(listQuerySchema.shape[name].unwrap(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

/** The schema of one query parameter of GET /reports/{id}/stores. */
export function rowsQueryParameterSchema(name: ReportRowsQueryParameter): Record<string, unknown> {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(reportRowsQuerySchema.shape[name].unwrap(), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return schema;
}

/** `components.schemas` of the document, each schema referring to the others by `$ref`. */
export function componentSchemas(): Record<string, Record<string, unknown>> {
  const registry = z.registry<{ id: string }>();
  for (const [name, schema] of Object.entries(schemas)) registry.add(schema, { id: name });
  // Answers are checked as the server writes them (output); TriggerRequest is what a client sends.
  const { schemas: generated } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'output', unrepresentable: 'any' });
  const { schemas: inputs } = z.toJSONSchema(registry, { uri: (id) => `#/components/schemas/${id}`, io: 'input', unrepresentable: 'any' });
  generated.TriggerRequest = inputs.TriggerRequest;
  generated.WebhookCreateRequest = inputs.WebhookCreateRequest;
  generated.CompatStatusRequest = inputs.CompatStatusRequest;
  // $schema and $id are implied by the document (jsonSchemaDialect; the component's own location).
  return Object.fromEntries(
    Object.entries(generated).map(([name, schema]) => {
      const { $schema: _dialect, $id: _location, ...rest } = schema as Record<string, unknown>;
      return [name, rest];
    }),
  );
}
