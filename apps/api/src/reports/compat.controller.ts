import { Body, Controller, Get, Header, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DEFAULT_UPTIME_METHOD } from '@store-uptime/uptime';
import { EXAMPLE_ID, EXAMPLES, IDEMPOTENCY_HEADER } from '../openapi/api-examples';
import { ApiJsonAnswer, ApiProblems, ApiTextAnswer, READ_KEY_PROBLEMS, WRITE_KEY_PROBLEMS } from '../openapi/api-responses';
import { schemaRef } from '../openapi/api-schemas';
import { parseIdempotencyKey, parseReportId, reportIdFromBodyOrQuery } from './report-params';
import { compatStateView } from './report-views';
import { ReportsService } from './reports.service';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';

const TRIGGER_HEADERS = ['RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset', 'IdempotentReplayed'] as const;
const POLL =
  'Running (queued or running) with its progress, Complete with a presigned link to the CSV, Failed with the reason, or Cancelled. ' +
  'A report past REPORT_RETENTION_DAYS (default 30) is expired: 410 problem+json. Status polls are not access-logged; they are counted in /metrics.';
const IDEMPOTENT =
  'With an Idempotency-Key, the same key and parameters within 24 h return the same report (Idempotent-Replayed: true) instead of another one.';

/** The original service's routes, with the same bodies, so existing clients keep working. */
@ApiTags('compatibility')
@Controller()
export class CompatController {
  constructor(private readonly reports: ReportsService) {}

  @Post('trigger_report')
  @ApiBearerAuth()
  @RequiresScope('reports:write')
  @UseGuards(KeyThrottlerGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Trigger a report with default parameters (original route)',
    description:
      'Queues a report over the latest poll with the hourly method and answers its id at once; poll GET /get_report with it. Takes no body, so no callback_url: ' +
      `its owner's webhooks (POST /webhooks) are told when it finishes. ${IDEMPOTENT}`,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiJsonAnswer(200, 'Queued (or replayed for an Idempotency-Key): the report id', 'CompatTriggerAnswer', EXAMPLES.compatTrigger, [...TRIGGER_HEADERS])
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidIdempotencyKey', 'idempotencyKeyReused', 'unsupportedMediaType', 'bodyTooLarge', 'tooManyTriggers', 'dependencyUnavailable')
  async triggerPost(@CurrentCaller() caller: Caller, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    const { id, replayed } = await this.reports.trigger({ asOf: null, method: DEFAULT_UPTIME_METHOD, callbackUrl: null }, caller, parseIdempotencyKey(key));
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return { report_id: id };
  }

  @Get('trigger_report')
  @ApiBearerAuth()
  @RequiresScope('reports:write')
  @UseGuards(KeyThrottlerGuard)
  @ApiOperation({ summary: 'Trigger a report (GET form of the original route)', description: `The same as POST /trigger_report, for clients of the original service that used GET. ${IDEMPOTENT}` })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiJsonAnswer(200, 'Queued (or replayed for an Idempotency-Key): the report id', 'CompatTriggerAnswer', EXAMPLES.compatTrigger, [...TRIGGER_HEADERS])
  @ApiProblems(...WRITE_KEY_PROBLEMS, 'invalidIdempotencyKey', 'idempotencyKeyReused', 'tooManyTriggers', 'dependencyUnavailable')
  async triggerGet(@CurrentCaller() caller: Caller, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    return this.triggerPost(caller, key, response);
  }

  @Get('get_report')
  @RequiresScope('reports:read')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Poll a report (original route)', description: POLL })
  @ApiQuery({ name: 'report_id', required: true, schema: schemaRef('ReportId'), example: EXAMPLE_ID })
  @ApiJsonAnswer(200, 'The report state', 'CompatReportState', EXAMPLES.compatState, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidReportId', 'reportNotFound', 'reportExpired', 'dependencyUnavailable')
  async getReport(@CurrentCaller() caller: Caller, @Query('report_id') reportId: unknown) {
    return compatStateView(await this.reports.state(parseReportId(reportId), caller));
  }

  @Post('get_report')
  @RequiresScope('reports:read')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Poll a report (original route, JSON body)',
    description: `As GET /get_report, with the id in a JSON body (or, for old clients, in the query string when the body is empty). ${POLL}`,
  })
  @ApiQuery({ name: 'report_id', required: false, schema: schemaRef('ReportId'), description: 'Only when the body is empty', example: EXAMPLE_ID })
  @ApiBody({ required: false, schema: schemaRef('CompatStatusRequest'), examples: EXAMPLES.compatStatusRequest })
  @ApiJsonAnswer(200, 'The report state', 'CompatReportState', EXAMPLES.compatState, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidReportId', 'brokenJson', 'reportNotFound', 'reportExpired', 'bodyTooLarge', 'unsupportedMediaType', 'dependencyUnavailable')
  async getReportPost(@CurrentCaller() caller: Caller, @Body() body: unknown, @Query() query: unknown) {
    return compatStateView(await this.reports.state(reportIdFromBodyOrQuery(body, query), caller));
  }

  @Get('echo/:message')
  // Plain text, never HTML: the message is the caller's input reflected back.
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Echo the message (original route)', description: 'Answers the message as text/plain: a connectivity check.' })
  @ApiParam({ name: 'message', schema: { type: 'string' }, example: 'hello' })
  @ApiTextAnswer(200, 'The message', 'text/plain', 'hello')
  @ApiProblems()
  echo(@Param('message') message: string): string {
    return message;
  }
}
