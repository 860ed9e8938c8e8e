import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { storeTimeline, UPTIME_METHODS } from '@store-uptime/uptime';
import { openApiSchemas } from '../reports/report-views';
import { AS_OF_DESCRIPTION, METHOD_DESCRIPTION } from '../reports/report-params';
import { parseStoreQuery, STORE_ID_FORM } from './store-params';
import { STORE_EXAMPLES, storeOpenApiSchemas, storeUptimeView } from './store-views';
import { StoresService } from './stores.service';
import { RequiresScope } from '../auth/api-key.guard';

const problem = { content: { 'application/problem+json': { schema: openApiSchemas.problem } } };

const badRequest = {
  status: 400,
  description: 'A malformed store id, as_of or method, or an unknown parameter; `errors` lists each bad field',
  content: {
    'application/problem+json': {
      schema: openApiSchemas.problem,
      example: {
        type: 'urn:store-uptime:problem:invalid-request',
        title: 'Invalid request',
        status: 400,
        detail: 'as_of: Invalid ISO datetime; method: Invalid option: expected one of "hourly"|"step"',
        instance: '/stores/8419537941919820732/uptime',
        errors: [
          { path: 'as_of', message: 'Invalid ISO datetime' },
          { path: 'method', message: 'Invalid option: expected one of "hourly"|"step"' },
        ],
      },
    },
  },
};
const notFound = {
  status: 404,
  description: 'A report with this now would not list the store: no poll at or before now',
  ...problem,
};
const unavailable = { status: 503, description: 'PostgreSQL unavailable (Retry-After)', ...problem };

/** One store on demand: its numbers, and the evidence behind them. */
@ApiTags('stores')
@ApiBearerAuth()
// Any key that may read reports may read a store: stores are the fleet's data, not one owner's
// (owners are for reports, which a key creates), so no owner rule applies here.
@RequiresScope('reports:read')
@Controller('stores')
export class StoresController {
  constructor(private readonly stores: StoresService) {}

  @Get(':store_id/uptime')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "One store's uptime and downtime, computed now",
    description:
      "The store's row of the report with the same as_of and method (the CSV's column names), computed from its own week of polls at request time.",
  })
  @ApiParam({ name: 'store_id', description: STORE_ID_FORM })
  @ApiQuery({ name: 'as_of', required: false, description: `${AS_OF_DESCRIPTION} From 1970 up to (not including) 2100. Encode a + offset as %2B.`, example: '2023-01-25T18:13:22Z' })
  @ApiQuery({ name: 'method', required: false, enum: UPTIME_METHODS, description: METHOD_DESCRIPTION })
  @ApiResponse({ status: 200, schema: storeOpenApiSchemas.storeUptime, example: STORE_EXAMPLES.uptime })
  @ApiResponse(badRequest)
  @ApiResponse(notFound)
  @ApiResponse(unavailable)
  async uptime(@Param('store_id') storeId: string, @Query() query: unknown) {
    return storeUptimeView(await this.stores.storeWeek(parseStoreQuery(storeId, query)));
  }

  @Get(':store_id/timeline')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The evidence behind a store’s numbers',
    description:
      'What the computation of GET /stores/{store_id}/uptime used and derived: the zone (and whether it fell back), the business intervals of the week in UTC and local time, ' +
      'the carry-in and week polls each marked counted or not and why, the status segments of the method, and the exact totals per window. See docs/service.md for a worked reading.',
  })
  @ApiParam({ name: 'store_id', description: STORE_ID_FORM })
  @ApiQuery({ name: 'as_of', required: false, description: `${AS_OF_DESCRIPTION} From 1970 up to (not including) 2100. Encode a + offset as %2B.`, example: '2023-01-25T18:13:22Z' })
  @ApiQuery({ name: 'method', required: false, enum: UPTIME_METHODS, description: METHOD_DESCRIPTION })
  @ApiResponse({ status: 200, schema: storeOpenApiSchemas.storeTimeline, example: STORE_EXAMPLES.timeline })
  @ApiResponse(badRequest)
  @ApiResponse(notFound)
  @ApiResponse(unavailable)
  async timeline(@Param('store_id') storeId: string, @Query() query: unknown) {
    return storeTimeline(await this.stores.storeWeek(parseStoreQuery(storeId, query)));
  }
}
