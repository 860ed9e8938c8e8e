import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { REPORT_ID_FORM } from '@store-uptime/queue';
import { DEFAULT_UPTIME_METHOD } from '@store-uptime/uptime';
import { parseReportId, reportIdFromBodyOrQuery } from './report-params';
import { compatStateView, openApiSchemas } from './report-views';
import { ReportsService } from './reports.service';

const problem = { content: { 'application/problem+json': { schema: openApiSchemas.problem } } };

/** The original service's routes, with the same bodies, so existing clients keep working. */
@ApiTags('compatibility')
@Controller()
export class CompatController {
  constructor(private readonly reports: ReportsService) {}

  @Post('trigger_report')
  @UseGuards(ThrottlerGuard)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Trigger a report with default parameters (original route)' })
  @ApiResponse({ status: 200, schema: openApiSchemas.compatTrigger })
  @ApiResponse({ status: 429, description: 'Too many triggers', ...problem })
  @ApiResponse({ status: 503, description: 'Redis or PostgreSQL unavailable', ...problem })
  async triggerPost() {
    return { report_id: await this.reports.trigger({ asOf: null, method: DEFAULT_UPTIME_METHOD }) };
  }

  @Get('trigger_report')
  @UseGuards(ThrottlerGuard)
  @ApiOperation({ summary: 'Trigger a report (GET form of the original route)' })
  @ApiResponse({ status: 200, schema: openApiSchemas.compatTrigger })
  @ApiResponse({ status: 429, description: 'Too many triggers', ...problem })
  @ApiResponse({ status: 503, description: 'Redis or PostgreSQL unavailable', ...problem })
  async triggerGet() {
    return this.triggerPost();
  }

  @Get('get_report')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Poll a report (original route)' })
  @ApiQuery({ name: 'report_id', description: REPORT_ID_FORM })
  @ApiResponse({ status: 200, schema: openApiSchemas.compatState })
  @ApiResponse({ status: 400, description: 'Malformed id', ...problem })
  @ApiResponse({ status: 404, description: 'Unknown id', ...problem })
  @ApiResponse({ status: 503, description: 'Redis or PostgreSQL unavailable', ...problem })
  async getReport(@Query('report_id') reportId: unknown) {
    return compatStateView(await this.reports.state(parseReportId(reportId)));
  }

  @Post('get_report')
  @Header('Cache-Control', 'no-store')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Poll a report (original route, JSON body)' })
  @ApiBody({ schema: openApiSchemas.compatGetBody })
  @ApiResponse({ status: 200, schema: openApiSchemas.compatState })
  @ApiResponse({ status: 400, description: 'Malformed id', ...problem })
  @ApiResponse({ status: 404, description: 'Unknown id', ...problem })
  @ApiResponse({ status: 503, description: 'Redis or PostgreSQL unavailable', ...problem })
  async getReportPost(@Body() body: unknown, @Query() query: unknown) {
    return compatStateView(await this.reports.state(reportIdFromBodyOrQuery(body, query)));
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
