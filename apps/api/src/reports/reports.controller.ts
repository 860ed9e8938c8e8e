import { Body, Controller, Get, Header, HttpCode, HttpStatus, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Response } from 'express';
import { EXAMPLE_ID, EXAMPLES } from '../openapi/api-examples';
import { ApiJsonAnswer, ApiProblems, ApiRedirectAnswer } from '../openapi/api-responses';
import { schemaRef } from '../openapi/api-schemas';
import { parseReportId, parseTriggerBody } from './report-params';
import { reportDetailsView, reportLinks } from './report-views';
import { ReportsService } from './reports.service';

const ID_PARAMETER = { name: 'id', schema: schemaRef('ReportId'), example: EXAMPLE_ID } as const;

/** The REST face of reports. */
@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post()
  @UseGuards(ThrottlerGuard)
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Trigger a report', description: 'Queues a report with the given parameters and answers at once; poll the status link (Location).' })
  @ApiBody({ required: false, schema: schemaRef('TriggerRequest'), examples: EXAMPLES.triggerRequest })
  @ApiJsonAnswer(202, 'Queued; Location is the status URL', 'TriggerAccepted', EXAMPLES.triggerAccepted, [
    'Location',
    'RateLimitLimit',
    'RateLimitRemaining',
    'RateLimitReset',
  ])
  @ApiProblems('invalidBody', 'brokenJson', 'bodyTooLarge', 'unsupportedMediaType', 'tooManyTriggers', 'dependencyUnavailable')
  async trigger(@Body() body: unknown, @Res({ passthrough: true }) response: Response) {
    const id = await this.reports.trigger(parseTriggerBody(body));
    response.location(`/reports/${id}`);
    return { id, status: 'queued', links: reportLinks(id) };
  }

  @Get(':id')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'Status of a report',
    description: 'Status, progress, parameters, counts, warnings and times of a report. Status polls are not access-logged; they are counted in /metrics.',
  })
  @ApiParam(ID_PARAMETER)
  @ApiJsonAnswer(200, 'The report', 'ReportDetails', EXAMPLES.reportDetails, ['CacheControlNoStore'])
  @ApiProblems('invalidReportId', 'reportNotFound', 'dependencyUnavailable')
  async details(@Param('id') id: string) {
    return reportDetailsView(await this.reports.details(parseReportId(id)));
  }

  @Get(':id/download')
  @ApiOperation({
    summary: 'Download the CSV of a report',
    description: 'Redirects (302) to a fresh presigned S3 URL of the CSV. A client that follows redirects gets text/csv from S3.',
  })
  @ApiParam(ID_PARAMETER)
  @ApiRedirectAnswer(302, 'Location is a presigned S3 GET URL of the CSV')
  @ApiProblems('invalidReportId', 'reportNotFound', 'reportNotComplete', 'reportFailed', 'dependencyUnavailable')
  async download(@Param('id') id: string, @Res() response: Response): Promise<void> {
    const url = await this.reports.downloadUrl(parseReportId(id));
    // No body (Express's redirect writes one, which the document would have to declare).
    response.status(HttpStatus.FOUND).setHeader('Cache-Control', 'no-store').location(url).end();
  }
}
