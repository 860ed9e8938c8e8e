import { Body, Controller, Get, Header, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { REPORT_ID_FORM } from '@store-uptime/queue';
import { EXAMPLE_ID, jsonContent, examples, IDEMPOTENCY_HEADER, problems } from './openapi-examples';
import { listQuerySchema, parseIdempotencyKey, parseListQuery, parseReportId, parseTriggerBody } from './report-params';
import { openApiSchemas, reportDetailsView, reportLinks, reportListView } from './report-views';
import { ReportsService } from './reports.service';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';

const idParam = { name: 'id', description: REPORT_ID_FORM, example: EXAMPLE_ID };
const RETENTION = 'Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.';

/** The REST face of reports. */
@ApiTags('reports')
@ApiBearerAuth()
@RequiresScope('reports:read')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @RequiresScope('reports:write')
  @UseGuards(KeyThrottlerGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Trigger a report',
    description: `Queues a report and answers at once; poll the status link. With an Idempotency-Key, a retried request returns the first one's report. ${RETENTION}`,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ required: false, schema: openApiSchemas.triggerBody, examples: { defaults: { value: {} }, step: { value: { as_of: '2023-01-24T12:00:00Z', method: 'step' } } } })
  @ApiResponse({ status: 202, description: 'Queued; Location is the status URL', ...jsonContent(openApiSchemas.triggerAccepted, examples.accepted) })
  @ApiResponse({ status: 200, description: 'Replayed: the report this Idempotency-Key started, with the first answer\'s body (Idempotent-Replayed: true)', ...jsonContent(openApiSchemas.triggerAccepted, examples.accepted) })
  @ApiResponse(problems.invalidTrigger)
  @ApiResponse(problems.keyReused())
  @ApiResponse(problems.tooMany())
  @ApiResponse(problems.unavailable('/reports'))
  async trigger(@CurrentCaller() caller: Caller, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    const params = parseTriggerBody(body);
    const { id, replayed } = await this.reports.trigger(params, caller, parseIdempotencyKey(key));
    response.location(`/reports/${id}`);
    if (replayed) {
      response.status(HttpStatus.OK);
      response.setHeader('Idempotent-Replayed', 'true');
    }
    return { id, status: 'queued', links: reportLinks(id) };
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'List reports, newest first',
    description:
      'Filters combine; pages are keyset-paginated on (created_at, id), so a page costs the same whatever the table holds and reports created meanwhile never shift a page. ' +
      `Follow \`next\` until it is null. Rows only (progress as last recorded; GET /reports/{id} folds in the live job). ${RETENTION}`,
  })
  @ApiQuery({ name: 'status', required: false, schema: listQuerySchemaField('status'), example: 'complete' })
  @ApiQuery({ name: 'method', required: false, schema: listQuerySchemaField('method'), example: 'hourly' })
  @ApiQuery({ name: 'created_after', required: false, schema: listQuerySchemaField('created_after'), example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'created_before', required: false, schema: listQuerySchemaField('created_before'), example: '2026-12-02T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, example: 20 })
  @ApiQuery({ name: 'cursor', required: false, schema: listQuerySchemaField('cursor') })
  @ApiResponse({ status: 200, description: 'One page', ...jsonContent(openApiSchemas.reportList, { ...examples.list, items: [examples.details] }) })
  @ApiResponse(problems.invalidListQuery)
  @ApiResponse(problems.unavailable('/reports'))
  async list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const params = parseListQuery(query);
    return reportListView(await this.reports.list(params.filter, params.limit, params.after, caller), params.query);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Status, progress, parameters, counts and times of a report',
    description: `Status is queued, running, complete, failed, cancelled or expired. ${RETENTION}`,
  })
  @ApiParam(idParam)
  @ApiResponse({ status: 200, ...jsonContent(openApiSchemas.reportDetails, examples.details) })
  @ApiResponse(problems.invalidId())
  @ApiResponse(problems.notFound())
  @ApiResponse(problems.unavailable())
  async details(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return reportDetailsView(await this.reports.details(parseReportId(id), caller));
  }

  @Post(':id/cancel')
  @RequiresScope('reports:write')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Cancel a queued or running report',
    description:
      'A queued report is removed from the queue; a running one is stopped by its worker (compute thread stopped, upload aborted, no CSV left) within 2 s. ' +
      'The report is cancelled from this answer on. Cancelling a cancelled report again answers 202 too; a complete, failed or expired one 409.',
  })
  @ApiParam(idParam)
  @ApiResponse({ status: 202, description: 'Cancelled', ...jsonContent(openApiSchemas.reportDetails, examples.cancelled) })
  @ApiResponse(problems.invalidId(`/reports/${EXAMPLE_ID}/cancel`))
  @ApiResponse(problems.notFound(`/reports/${EXAMPLE_ID}/cancel`))
  @ApiResponse(problems.finished)
  @ApiResponse(problems.unavailable(`/reports/${EXAMPLE_ID}/cancel`))
  async cancel(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return reportDetailsView(await this.reports.cancel(parseReportId(id), caller));
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Redirect to a fresh presigned URL of the report CSV', description: RETENTION })
  @ApiParam(idParam)
  @ApiResponse({ status: 302, description: 'Location: presigned S3 GET URL' })
  @ApiResponse(problems.invalidId(`/reports/${EXAMPLE_ID}/download`))
  @ApiResponse(problems.notFound(`/reports/${EXAMPLE_ID}/download`))
  @ApiResponse(problems.notDownloadable)
  @ApiResponse(problems.expired())
  @ApiResponse(problems.unavailable(`/reports/${EXAMPLE_ID}/download`))
  async download(@CurrentCaller() caller: Caller, @Param('id') id: string, @Res() response: Response): Promise<void> {
    const url = await this.reports.downloadUrl(parseReportId(id), caller);
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(HttpStatus.FOUND, url);
  }
}

/** One query parameter's schema, from the zod schema that validates it. */
function listQuerySchemaField(name: keyof typeof listQuerySchema.shape) {
  const properties = (openApiSchemas.listQuery as { properties?: Record<string, object> }).properties ?? {};
  return properties[name] ?? { type: 'string' };
}
