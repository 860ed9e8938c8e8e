import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { z } from 'zod';
import { ReportStatus, type ReportEntity, type ReportListPosition } from '@store-uptime/db';
import { REPORT_WARNING_CODES, UPTIME_METHODS } from '@store-uptime/uptime';
import { encodeListCursor, getReportBodyDocSchema, listQuerySchema, reportIdSchema, triggerBodySchema } from './report-params';
import type { ReportDetails, ReportState } from './reports.service';

/** Response bodies and their OpenAPI schemas (the schemas come from the same zod definitions). */

type SchemaObject = ApiResponseSchemaHost['schema'];

export function reportLinks(id: string) {
  return { self: `/reports/${id}`, download: `/reports/${id}/download` };
}

export function reportDetailsView(details: ReportDetails) {
  const { row } = details;
  return {
    id: row.id,
    status: details.status,
    progress: details.progress,
    parameters: { as_of: row.asOf?.toISOString() ?? null, method: row.method },
    counts: { stores: row.storesCount, polls_after_now: row.pollsAfterNow },
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

/** A page of GET /reports: rows as GET /reports/{id} shows them, and the link to the next page. */
export function reportListView(
  page: { reports: ReportEntity[]; next: ReportListPosition | null },
  query: Record<string, string>,
) {
  const next = page.next ? `/reports?${new URLSearchParams({ ...query, cursor: encodeListCursor(page.next) }).toString()}` : null;
  return {
    items: page.reports.map((row) => reportDetailsView({ row, status: row.status, progress: row.progress, error: row.error })),
    next,
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
    case 'cancelled':
      return { status: 'Cancelled' as const };
  }
}

const isoInstant = z.string().describe('ISO-8601 instant (UTC)');
const statusEnum = z.enum(ReportStatus);
const links = z.object({ self: z.string(), download: z.string() });

const reportDetails = z.object({
  id: reportIdSchema,
  status: statusEnum,
  progress: z.number().min(0).max(1),
  parameters: z.object({ as_of: isoInstant.nullable(), method: z.enum(UPTIME_METHODS) }),
  counts: z.object({
    stores: z.number().int().nullable().describe('Stores in the report (null until complete).'),
    polls_after_now: z
      .number()
      .int()
      .nullable()
      .describe('Polls later than now_used in the report\'s week, left out of it (null until complete).'),
  }),
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
});

const schemas = {
  triggerBody: triggerBodySchema,
  triggerAccepted: z.object({ id: reportIdSchema, status: statusEnum, links }),
  reportDetails,
  reportList: z.object({
    items: z.array(reportDetails).describe('Newest first.'),
    next: z.string().nullable().describe('The next page (same filters, opaque cursor); null on the last page.'),
  }),
  listQuery: listQuerySchema,
  compatTrigger: z.object({ report_id: reportIdSchema }),
  compatGetBody: getReportBodyDocSchema,
  compatState: z.union([
    z.object({ status: z.literal('Running'), progress: z.number().min(0).max(1) }),
    z.object({ status: z.literal('Complete'), url: z.string().describe('presigned S3 GET URL') }),
    z.object({ status: z.literal('Failed'), error: z.string() }),
    z.object({ status: z.literal('Cancelled') }),
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
