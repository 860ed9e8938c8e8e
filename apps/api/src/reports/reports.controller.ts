import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { REPORT_ID_FORM } from '@store-uptime/queue';
import { parseReportId, parseTriggerBody } from './report-params';
import { openApiSchemas, reportDetailsView, reportLinks } from './report-views';
import { ReportsService } from './reports.service';

const problem = { content: { 'application/problem+json': { schema: openApiSchemas.problem } } };

/** The REST face of reports. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @UseGuards(ThrottlerGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Trigger a report', description: 'Queues a report and answers at once; poll the status link.' })
  @ApiBody({ required: false, schema: openApiSchemas.triggerBody })
  @ApiResponse({ status: 202, description: 'Queued; Location is the status URL', schema: openApiSchemas.triggerAccepted })
  @ApiResponse({ status: 400, description: 'Malformed parameters', ...problem })
  @ApiResponse({ status: 429, description: 'Too many triggers', ...problem })
  @ApiResponse({ status: 503, description: 'Redis or PostgreSQL unavailable', ...problem })
  async trigger(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const id = await this.reports.trigger(parseTriggerBody(body));
    response.location(`/reports/${id}`);
    return { id, status: 'queued', links: reportLinks(id) };
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Status, progress, parameters, counts and times of a report' })
  @ApiParam({ name: 'id', description: REPORT_ID_FORM })
  @ApiResponse({ status: 200, schema: openApiSchemas.reportDetails })
  @ApiResponse({ status: 400, description: 'Malformed id', ...problem })
  @ApiResponse({ status: 404, description: 'Unknown id', ...problem })
  @ApiResponse({ status: 503, description: 'PostgreSQL unavailable', ...problem })
  async details(@Param('id') id: string) {
    return reportDetailsView(await this.reports.details(parseReportId(id)));
  }

  @Get(':id/download')
  @ApiOperation({ summary: 'Redirect to a fresh presigned URL of the report CSV' })
  @ApiParam({ name: 'id', description: REPORT_ID_FORM })
  @ApiResponse({ status: 302, description: 'Location: presigned S3 GET URL' })
  @ApiResponse({ status: 400, description: 'Malformed id', ...problem })
  @ApiResponse({ status: 404, description: 'Unknown id', ...problem })
  @ApiResponse({ status: 409, description: 'Not complete yet, or failed', ...problem })
  async download(@Param('id') id: string, @Res() response: Response): Promise<void> {
    const url = await this.reports.downloadUrl(parseReportId(id));
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(HttpStatus.FOUND, url);
  }
}
