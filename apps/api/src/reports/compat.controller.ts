import { Body, Controller, Get, Header, Headers, HttpCode, HttpStatus, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { REPORT_ID_FORM } from '@store-uptime/queue';
import { DEFAULT_UPTIME_METHOD } from '@store-uptime/uptime';
import { EXAMPLE_ID, jsonContent, IDEMPOTENCY_HEADER, problems } from './openapi-examples';
import { parseIdempotencyKey, parseReportId, reportIdFromBodyOrQuery } from './report-params';
import { compatStateView, openApiSchemas } from './report-views';
import { ReportsService } from './reports.service';
import { KeyThrottlerGuard } from '../auth/key-throttler.guard';
import { CurrentCaller, RequiresScope } from '../auth/api-key.guard';
import type { Caller } from '../auth/caller';

const triggered = jsonContent(openApiSchemas.compatTrigger, { report_id: EXAMPLE_ID });
const states = {
  content: {
    'application/json': {
      schema: openApiSchemas.compatState,
      examples: {
        running: { value: { status: 'Running', progress: 0.42 } },
        complete: { value: { status: 'Complete', url: `https://s3.example.com/reports/reports/${EXAMPLE_ID}.csv?X-Amz-Signature=…` } },
        failed: { value: { status: 'Failed', error: 'writing the CSV to S3 failed: AccessDenied (HTTP 403)' } },
        cancelled: { value: { status: 'Cancelled' } },
      },
    },
  },
};
const POLL =
  'Running (queued or running), Complete with a presigned URL, Failed with the reason, or Cancelled. ' +
  'A report past REPORT_RETENTION_DAYS (default 30) is expired: 410 problem+json.';
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
  @ApiOperation({ summary: 'Trigger a report with default parameters (original route)', description: IDEMPOTENT })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, description: 'Queued (or replayed for an Idempotency-Key)', ...triggered })
  @ApiResponse(problems.invalidTrigger)
  @ApiResponse(problems.keyReused('/trigger_report'))
  @ApiResponse(problems.tooMany('/trigger_report'))
  @ApiResponse(problems.unavailable('/trigger_report'))
  async triggerPost(@CurrentCaller() caller: Caller, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    const { id, replayed } = await this.reports.trigger({ asOf: null, method: DEFAULT_UPTIME_METHOD }, caller, parseIdempotencyKey(key));
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return { report_id: id };
  }

  @Get('trigger_report')
  @ApiBearerAuth()
  @RequiresScope('reports:write')
  @UseGuards(KeyThrottlerGuard)
  @ApiOperation({ summary: 'Trigger a report (GET form of the original route)', description: IDEMPOTENT })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @ApiResponse({ status: 200, description: 'Queued (or replayed for an Idempotency-Key)', ...triggered })
  @ApiResponse(problems.invalidTrigger)
  @ApiResponse(problems.keyReused('/trigger_report'))
  @ApiResponse(problems.tooMany('/trigger_report'))
  @ApiResponse(problems.unavailable('/trigger_report'))
  async triggerGet(@CurrentCaller() caller: Caller, @Headers('idempotency-key') key: string | undefined, @Res({ passthrough: true }) response: Response) {
    return this.triggerPost(caller, key, response);
  }

  @Get('get_report')
  @RequiresScope('reports:read')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Poll a report (original route)', description: POLL })
  @ApiQuery({ name: 'report_id', description: REPORT_ID_FORM, example: EXAMPLE_ID })
  @ApiResponse({ status: 200, ...states })
  @ApiResponse(problems.invalidId('/get_report'))
  @ApiResponse(problems.notFound('/get_report'))
  @ApiResponse(problems.expired('/get_report'))
  @ApiResponse(problems.unavailable('/get_report'))
  async getReport(@CurrentCaller() caller: Caller, @Query('report_id') reportId: unknown) {
    return compatStateView(await this.reports.state(parseReportId(reportId), caller));
  }

  @Post('get_report')
  @RequiresScope('reports:read')
  @ApiBearerAuth()
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Poll a report (original route, JSON body)', description: POLL })
  @ApiBody({ schema: openApiSchemas.compatGetBody, examples: { poll: { value: { report_id: EXAMPLE_ID } } } })
  @ApiResponse({ status: 200, ...states })
  @ApiResponse(problems.invalidId('/get_report'))
  @ApiResponse(problems.notFound('/get_report'))
  @ApiResponse(problems.expired('/get_report'))
  @ApiResponse(problems.unavailable('/get_report'))
  async getReportPost(@CurrentCaller() caller: Caller, @Body() body: unknown, @Query() query: unknown) {
    return compatStateView(await this.reports.state(reportIdFromBodyOrQuery(body, query), caller));
  }

  @Get('echo/:message')
  // Plain text, never HTML: the message is the caller's input reflected back.
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Echo the message (original route; a connectivity check)' })
  @ApiParam({ name: 'message' })
  @ApiResponse({ status: 200, description: 'The message, as text/plain' })
  echo(@Param('message') message: string): string {
    return message;
  }
}
