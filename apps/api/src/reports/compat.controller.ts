import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { DEFAULT_UPTIME_METHOD } from '@store-uptime/uptime';
import { EXAMPLE_ID, EXAMPLES } from '../openapi/api-examples';
import { ApiJsonAnswer, ApiProblems, ApiTextAnswer } from '../openapi/api-responses';
import { schemaRef } from '../openapi/api-schemas';
import { parseReportId, reportIdFromBodyOrQuery } from './report-params';
import { compatStateView } from './report-views';
import { ReportsService } from './reports.service';

const TRIGGER_HEADERS = ['RateLimitLimit', 'RateLimitRemaining', 'RateLimitReset'] as const;

/** The original service's routes, with the same bodies, so existing clients keep working. */
@ApiTags('compatibility')
@Controller()
export class CompatController {
  constructor(private readonly reports: ReportsService) {}

  @Post('trigger_report')
  @UseGuards(ThrottlerGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Trigger a report with default parameters (original route)',
    description: 'Queues a report over the latest poll with the hourly method and answers its id at once; poll GET /get_report with it. Takes no body.',
  })
  @ApiJsonAnswer(200, 'Queued: the new report id', 'CompatTriggerAnswer', EXAMPLES.compatTrigger, [...TRIGGER_HEADERS])
  @ApiProblems('unsupportedMediaType', 'bodyTooLarge', 'tooManyTriggers', 'dependencyUnavailable')
  async triggerPost() {
    return { report_id: await this.reports.trigger({ asOf: null, method: DEFAULT_UPTIME_METHOD }) };
  }

  @Get('trigger_report')
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Trigger a report (GET form of the original route)', description: 'The same as POST /trigger_report, for clients of the original service that used GET.' })
  @ApiJsonAnswer(200, 'Queued: the new report id', 'CompatTriggerAnswer', EXAMPLES.compatTrigger, [...TRIGGER_HEADERS])
  @ApiProblems('tooManyTriggers', 'dependencyUnavailable')
  async triggerGet() {
    return this.triggerPost();
  }

  @Get('get_report')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Poll a report (original route)',
    description: 'Running with its progress, Complete with a presigned link to the CSV, or Failed with the reason. Status polls are not access-logged; they are counted in /metrics.',
  })
  @ApiQuery({ name: 'report_id', required: true, schema: schemaRef('ReportId'), example: EXAMPLE_ID })
  @ApiJsonAnswer(200, 'The report state', 'CompatReportState', EXAMPLES.compatState, ['CacheControlNoStore'])
  @ApiProblems('invalidReportId', 'reportNotFound', 'dependencyUnavailable')
  async getReport(@Query('report_id') reportId: unknown) {
    return compatStateView(await this.reports.state(parseReportId(reportId)));
  }

  @Post('get_report')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Poll a report (original route, JSON body)',
    description: 'As GET /get_report, with the id in a JSON body (or, for old clients, in the query string when the body is empty).',
  })
  @ApiQuery({ name: 'report_id', required: false, schema: schemaRef('ReportId'), description: 'Only when the body is empty', example: EXAMPLE_ID })
  @ApiBody({ required: false, schema: schemaRef('CompatStatusRequest'), examples: EXAMPLES.compatStatusRequest })
  @ApiJsonAnswer(200, 'The report state', 'CompatReportState', EXAMPLES.compatState, ['CacheControlNoStore'])
  @ApiProblems('invalidReportId', 'brokenJson', 'reportNotFound', 'bodyTooLarge', 'unsupportedMediaType', 'dependencyUnavailable')
  async getReportPost(@Body() body: unknown, @Query() query: unknown) {
    return compatStateView(await this.reports.state(reportIdFromBodyOrQuery(body, query)));
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
