import { applyDecorators, Body, Controller, Get, Header, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { ReportRow } from '@store-uptime/db';
import { REPORT_VALUE_COLUMNS } from '@store-uptime/uptime';
import { ValidatesItsOwnQuery } from '../http/strict-query.guard';
import { EXAMPLE_ID, EXAMPLES, IDEMPOTENCY_HEADER } from '../openapi/api-examples';
import { ApiJsonAnswer, ApiProblems, ApiRedirectAnswer, ApiTextAnswer, READ_KEY_PROBLEMS, WRITE_KEY_PROBLEMS } from '../openapi/api-responses';
import { listQueryParameterSchema, rowsQueryParameterSchema, schemaRef } from '../openapi/api-schemas';
import { invalidRequest } from '../problem/problem';
import { encodeRowsCursor, parseReportRowsQuery } from './report-rows-params';
import { parseIdempotencyKey, parseListQuery, parseReportId, parseTriggerBody } from './report-params';
import { reportLinks } from '@store-uptime/db';
import { reportDetailsView, reportListView } from './report-views';
import { ReportsService } from './reports.service';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';

const ID_PARAMETER = { name: 'id', schema: schemaRef('ReportId'), example: EXAMPLE_ID } as const;
const RETENTION = 'Complete reports older than REPORT_RETENTION_DAYS (default 30) are expired: their CSV is deleted and downloads answer 410.';

const RESULT_PROBLEMS = ['invalidReportId', 'reportNotFound', 'reportNotComplete', 'reportFailed', 'reportCancelled', 'reportExpired', 'dependencyUnavailable'] as const;
const JSON_LINES = 'application/x-ndjson';

/** The parameters of GET /reports/{id}/stores, each declared from the schema that validates it. */
function ApiRowsQuery() {
  return applyDecorators(
    ApiQuery({ name: 'sort', required: false, schema: rowsQueryParameterSchema('sort'), example: 'downtime_last_week' }),
    ApiQuery({ name: 'order', required: false, schema: rowsQueryParameterSchema('order'), example: 'desc' }),
    ApiQuery({
      name: 'store_id',
      required: false,
      description: 'Only these stores; repeat the parameter for several (at most 1000).',
      schema: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 }, maxItems: 1000 },
      style: 'form',
      explode: true,
      example: ['8419537941919820732'],
    }),
    ...REPORT_VALUE_COLUMNS.flatMap((name) => [
      ApiQuery({ name: `min_${name}`, required: false, description: `Only stores whose ${name} is at least this (inclusive).`, schema: { type: 'number' }, example: 1 }),
      ApiQuery({ name: `max_${name}`, required: false, description: `Only stores whose ${name} is at most this (inclusive).`, schema: { type: 'number' }, example: 100 }),
    ]),
    ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 }, example: 100 }),
    ApiQuery({ name: 'cursor', required: false, schema: rowsQueryParameterSchema('cursor'), example: 'eyJzIjoic3RvcmVfaWQiLCJvIjoiYXNjIiwidiI6IjEiLCJpIjoiMSJ9' }),
  );
}

/** One JSON Lines line: the CSV's columns in its order. */
function jsonLine(row: ReportRow): string {
  return `${JSON.stringify(row)}\n`;
}

/**
 * Resolves once the client has taken what was written (or has gone): each wait removes its own
 * listeners, so a long download adds none (events.once in a race leaves the loser's behind).
 */
function drained(response: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

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

  @Get(':id/stores')
  @ValidatesItsOwnQuery()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "A complete report's rows, sorted, filtered and paged",
    description:
      "The report's CSV lines as JSON (the CSV's column names and numbers), ordered by `sort` (any column; ties by store_id) and `order`, " +
      'filtered by `store_id` (repeatable) and by inclusive bounds on each number (`min_downtime_last_week=10`). ' +
      `Keyset-paginated like GET /reports: follow \`next\` until it is null. Answers 409/410 as the download does. ${RETENTION}`,
  })
  @ApiParam(ID_PARAMETER)
  @ApiRowsQuery()
  @ApiJsonAnswer(200, 'One page', 'ReportStores', EXAMPLES.reportStores, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidStoresQuery', ...RESULT_PROBLEMS)
  async stores(@CurrentCaller() caller: Caller, @Param('id') id: string, @Query() query: unknown) {
    const reportId = parseReportId(id);
    const params = parseReportRowsQuery(query);
    const page = await this.reports.rowsPage(reportId, caller, params.query);
    const { sort, order } = params.query;
    const next = page.next
      ? `/reports/${reportId}/stores?${new URLSearchParams([...params.given, ['cursor', encodeRowsCursor(sort, order, page.next)]]).toString()}`
      : null;
    return { report_id: reportId, items: page.rows, next };
  }

  @Get(':id/download')
  @ApiOperation({
    summary: 'Download a report: its CSV, or its rows as JSON Lines',
    description:
      'Redirects (302) to a fresh presigned S3 URL of the CSV. A client that follows redirects gets text/csv from S3. ' +
      `With \`format=jsonl\` or \`Accept: ${JSON_LINES}\`: the same rows as JSON Lines (one object per store, the CSV's columns and numbers, in the CSV's order), streamed by the API. ${RETENTION}`,
  })
  @ApiParam(ID_PARAMETER)
  @ApiQuery({ name: 'format', required: false, description: `csv (default: the 302) or jsonl (the rows as ${JSON_LINES}; Accept: ${JSON_LINES} says the same)`, schema: { type: 'string', enum: ['csv', 'jsonl'] }, example: 'jsonl' })
  @ApiRedirectAnswer(302, 'Location is a presigned S3 GET URL of the CSV')
  @ApiTextAnswer(
    200,
    'The rows as JSON Lines (format=jsonl)',
    JSON_LINES,
    '{"store_id":"8419537941919820732","uptime_last_hour":0,"uptime_last_day":2,"uptime_last_week":51.25,"downtime_last_hour":60,"downtime_last_day":11,"downtime_last_week":27.75}\n',
    ['CacheControlNoStore'],
  )
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidDownloadFormat', ...RESULT_PROBLEMS)
  async download(
    @CurrentCaller() caller: Caller,
    @Param('id') id: string,
    @Query('format') format: unknown,
    @Headers('accept') accept: string | undefined,
    @Res() response: Response,
  ): Promise<void> {
    const reportId = parseReportId(id);
    if (format !== undefined && format !== 'csv' && format !== 'jsonl') {
      throw invalidRequest('format: must be csv or jsonl', [{ path: 'format', message: 'must be csv or jsonl' }]);
    }
    if (format === 'jsonl' || (format === undefined && accept?.includes(JSON_LINES))) {
      await this.sendJsonLines(reportId, caller, response);
      return;
    }
    const url = await this.reports.downloadUrl(reportId, caller);
    // No body (Express's redirect writes one, which the document would have to declare).
    response.status(HttpStatus.FOUND).setHeader('Cache-Control', 'no-store').location(url).end();
  }

  /**
   * Streams the rows from PostgreSQL as they arrive: the answer's headers are sent once the report
   * is known to be complete, and each batch waits for the client to take the previous one.
   */
  private async sendJsonLines(reportId: string, caller: Caller, response: Response): Promise<void> {
    const stream = await this.reports.streamRows(reportId, caller, async (rows) => {
      if (response.destroyed) throw new Error('the client went away');
      if (!response.write(rows.map(jsonLine).join(''))) await drained(response);
    });
    response.status(HttpStatus.OK);
    response.setHeader('Content-Type', `${JSON_LINES}; charset=utf-8`);
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Disposition', `attachment; filename="store-uptime-report-${reportId}.jsonl"`);
    try {
      await stream();
      response.end();
    } catch (error) {
      // The status line is sent: a cut-short body is all that can tell the client.
      response.destroy(error as Error);
    }
  }
}
