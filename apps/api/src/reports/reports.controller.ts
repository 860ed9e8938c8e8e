import { Body, Controller, Get, Header, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ValidatesItsOwnQuery } from '../http/strict-query.guard';
import { EXAMPLE_ID, EXAMPLES, IDEMPOTENCY_HEADER } from '../openapi/api-examples';
import { ApiJsonAnswer, ApiProblems, ApiRedirectAnswer, READ_KEY_PROBLEMS, WRITE_KEY_PROBLEMS } from '../openapi/api-responses';
import { listQueryParameterSchema, schemaRef } from '../openapi/api-schemas';
import { parseIdempotencyKey, parseListQuery, parseReportId, parseTriggerBody } from './report-params';
import { reportLinks } from '@store-uptime/db';
import { reportDetailsView, reportListView } from './report-views';
import { ReportsService } from './reports.service';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';

const ID_PARAMETER = { name: 'id', schema: schemaRef('ReportId'), example: EXAMPLE_ID } as const;
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
    description:
      "Queues a report with the given parameters and answers at once; poll the status link (Location), or give a callback_url to be told (a signed webhook; the answer's callback_secret verifies it). " +
      `With an Idempotency-Key, a retried request returns the first one's report. ${RETENTION}`,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiBody({ required: false, schema: schemaRef('TriggerRequest'), examples: EXAMPLES.triggerRequest })
  @ApiJsonAnswer(202, 'Queued; Location is the status URL', 'TriggerAccepted', EXAMPLES.triggerAccepted, ['Location', 'RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset'])
  @ApiJsonAnswer(200, "Replayed: the report this Idempotency-Key started, with the first answer's body", 'TriggerAccepted', EXAMPLES.triggerAccepted, [
    'Location',
    'IdempotentReplayed',
    'RateLimitLimit',
    'RateLimitRemaining',
    'RateLimitReset',
  ])
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidBody', 'webhookTargetRefused', 'invalidIdempotencyKey', 'brokenJson', 'idempotencyKeyReused', 'bodyTooLarge', 'unsupportedMediaType', 'tooManyTriggers', 'dependencyUnavailable')
  async trigger(@CurrentCaller() caller: Caller, @Body() body: unknown, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    const params = parseTriggerBody(body);
    const { id, replayed, callbackSecret } = await this.reports.trigger(params, caller, parseIdempotencyKey(key));
    response.location(`/reports/${id}`);
    if (replayed) {
      response.status(HttpStatus.OK);
      response.setHeader('Idempotent-Replayed', 'true');
    }
    return { id, status: 'queued', links: reportLinks(id), ...(callbackSecret === null ? {} : { callback_secret: callbackSecret }) };
  }

  @Get()
  @ValidatesItsOwnQuery()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'List reports, newest first',
    description:
      'Filters combine; pages are keyset-paginated on (created_at, id), so a page costs the same whatever the table holds and reports created meanwhile never shift a page. ' +
      `Follow \`next\` until it is null. Rows only (progress as last recorded; GET /reports/{id} folds in the live job). ${RETENTION}`,
  })
  @ApiQuery({ name: 'status', required: false, schema: listQueryParameterSchema('status'), example: 'complete' })
  @ApiQuery({ name: 'method', required: false, schema: listQueryParameterSchema('method'), example: 'hourly' })
  @ApiQuery({ name: 'created_after', required: false, schema: listQueryParameterSchema('created_after'), example: '2026-12-01T00:00:00Z' })
  @ApiQuery({ name: 'created_before', required: false, schema: listQueryParameterSchema('created_before'), example: '2026-12-02T00:00:00Z' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, example: 20 })
  @ApiQuery({ name: 'cursor', required: false, schema: listQueryParameterSchema('cursor'), example: 'eyJjIjoiMjAyMy0wMS0yNVQxODoyMDowMC4wMDAxMjNaIiwiaSI6IjNmMmIifQ' })
  @ApiJsonAnswer(200, 'One page', 'ReportList', EXAMPLES.reportList, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidListQuery', 'dependencyUnavailable')
  async list(@CurrentCaller() caller: Caller, @Query() query: unknown) {
    const params = parseListQuery(query);
    return reportListView(await this.reports.list(params.filter, params.limit, params.after, caller), params.query);
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Status of a report',
    description:
      'Status (queued, running, complete, failed, cancelled or expired), progress, parameters, counts, warnings and times of a report. ' +
      `Status polls are not access-logged; they are counted in /metrics. ${RETENTION}`,
  })
  @ApiParam(ID_PARAMETER)
  @ApiJsonAnswer(200, 'The report', 'ReportDetails', EXAMPLES.reportDetails, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidReportId', 'reportNotFound', 'dependencyUnavailable')
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
      'The report is cancelled from this answer on. Cancelling a cancelled report again answers 202 too; a complete, failed or expired one 409. Takes no body.',
  })
  @ApiParam(ID_PARAMETER)
  @ApiJsonAnswer(202, 'Cancelled', 'ReportDetails', EXAMPLES.cancelled)
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidReportId', 'reportNotFound', 'reportFinished', 'bodyTooLarge', 'unsupportedMediaType', 'dependencyUnavailable')
  async cancel(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return reportDetailsView(await this.reports.cancel(parseReportId(id), caller));
  }

  @Get(':id/download')
  @ApiOperation({
    summary: 'Download the CSV of a report',
    description: `Redirects (302) to a fresh presigned S3 URL of the CSV. A client that follows redirects gets text/csv from S3. ${RETENTION}`,
  })
  @ApiParam(ID_PARAMETER)
  @ApiRedirectAnswer(302, 'Location is a presigned S3 GET URL of the CSV')
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidReportId', 'reportNotFound', 'reportNotComplete', 'reportFailed', 'reportCancelled', 'reportExpired', 'dependencyUnavailable')
  async download(@CurrentCaller() caller: Caller, @Param('id') id: string, @Res() response: Response): Promise<void> {
    const url = await this.reports.downloadUrl(parseReportId(id), caller);
    // No body (Express's redirect writes one, which the document would have to declare).
    response.status(HttpStatus.FOUND).setHeader('Cache-Control', 'no-store').location(url).end();
  }
}
