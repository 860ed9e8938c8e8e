import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { z } from 'zod';
import { ReportStatus, type ReportEntity } from '@store-uptime/db';
import { REPORT_WARNING_CODES, UPTIME_METHODS } from '@store-uptime/uptime';
import { getReportBodyDocSchema, reportIdSchema, triggerBodySchema } from './report-params';
import type { ReportState } from './reports.service';

/** Response bodies and their OpenAPI schemas (the schemas come from the same zod definitions). */

type SchemaObject = ApiResponseSchemaHost['schema'];

export function reportLinks(id: string) {
  return { self: `/reports/${id}`, download: `/reports/${id}/download` };
}

export function reportDetailsView(details: { row: ReportEntity; status: ReportStatus; progress: number; error: string | null }) {
  const { row } = details;
  return {
    id: row.id,
    status: details.status,
    progress: details.progress,
    parameters: { as_of: row.asOf?.toISOString() ?? null, method: row.method },
    counts: { stores: row.storesCount, rows_skipped: row.rowsSkipped },
    now_used: row.nowUsed?.toISOString() ?? null,
    warnings: row.warnings,
    error: details.error,
    attempts: row.attempts,
    created_at: row.createdAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    links: reportLinks(row.id),
  };
}

/** The original service's `/get_report` bodies. */
export function compatStateView(state: ReportState) {
  switch (state.status) {
    case 'running':
      return { status: 'Running' as const, progress: state.progress };
    case 'complete':
      return { status: 'Complete' as const, url: state.url };
    case 'failed':
      return { status: 'Failed' as const, error: state.error };
  }
}

const isoInstant = z.string().describe('ISO-8601 instant (UTC)');
const statusEnum = z.enum(ReportStatus);
const links = z.object({ self: z.string(), download: z.string() });

const schemas = {
  triggerBody: triggerBodySchema,
  triggerAccepted: z.object({ id: reportIdSchema, status: statusEnum, links }),
  reportDetails: z.object({
    id: reportIdSchema,
    status: statusEnum,
    progress: z.number().min(0).max(1),
    parameters: z.object({ as_of: isoInstant.nullable(), method: z.enum(UPTIME_METHODS) }),
    counts: z.object({ stores: z.number().int().nullable(), rows_skipped: z.number().int().nullable() }),
    now_used: isoInstant.nullable(),
    warnings: z
      .array(z.object({ code: z.enum(REPORT_WARNING_CODES), count: z.number().int().min(0) }))
      .describe(
        'What the numbers alone do not say; the report is complete and correct all the same. no_polls: no poll at or before now in the week, so no store (count 0); ' +
          'stores_without_zone / invalid_zone: stores computed in America/Chicago because their zone is missing / not an IANA name (count: stores).',
      ),
    error: z.string().nullable(),
    attempts: z.number().int(),
    created_at: isoInstant,
    started_at: isoInstant.nullable(),
    finished_at: isoInstant.nullable(),
    links,
  }),
  compatTrigger: z.object({ report_id: reportIdSchema }),
  compatGetBody: getReportBodyDocSchema,
  compatState: z.union([
    z.object({ status: z.literal('Running'), progress: z.number().min(0).max(1) }),
    z.object({ status: z.literal('Complete'), url: z.string().describe('presigned S3 GET URL') }),
    z.object({ status: z.literal('Failed'), error: z.string() }),
  ]),
  problem: z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
  }),
};

export const openApiSchemas = Object.fromEntries(
  Object.entries(schemas).map(([name, schema]) => [name, z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as SchemaObject]),
) as Record<keyof typeof schemas, SchemaObject>;
