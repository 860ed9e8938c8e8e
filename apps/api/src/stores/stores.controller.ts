import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { storeTimeline, UPTIME_METHODS } from '@store-uptime/uptime';
import { ValidatesItsOwnQuery } from '../http/strict-query.guard';
import { ApiJsonAnswer, ApiProblems, READ_KEY_PROBLEMS } from '../openapi/api-responses';
import { AS_OF_DESCRIPTION, METHOD_DESCRIPTION } from '../reports/report-params';
import { parseStoreQuery, STORE_ID_FORM } from './store-params';
import { STORE_EXAMPLES, storeUptimeView } from './store-views';
import { StoresService } from './stores.service';
import { RequiresScope } from '../auth/api-key.guard';

const STORE_ID_PARAMETER = { name: 'store_id', description: STORE_ID_FORM, schema: { type: 'string', minLength: 1, maxLength: 256 }, example: STORE_EXAMPLES.uptime.store_id } as const;
const AS_OF_PARAMETER = {
  name: 'as_of',
  required: false,
  description: `${AS_OF_DESCRIPTION} From 1970 up to (not including) 2100. Encode a + offset as %2B.`,
  schema: { type: 'string', format: 'date-time' },
  example: '2023-01-25T18:13:22Z',
} as const;
const METHOD_PARAMETER = { name: 'method', required: false, schema: { type: 'string', enum: [...UPTIME_METHODS] }, description: METHOD_DESCRIPTION, example: 'hourly' } as const;

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
  @ValidatesItsOwnQuery()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: "One store's uptime and downtime, computed now",
    description:
      "The store's row of the report with the same as_of and method (the CSV's column names), computed from its own week of polls at request time.",
  })
  @ApiParam(STORE_ID_PARAMETER)
  @ApiQuery(AS_OF_PARAMETER)
  @ApiQuery(METHOD_PARAMETER)
  @ApiJsonAnswer(200, "The store's numbers", 'StoreUptime', { hourly: { summary: 'docs/uptime-spec.md worked example 2', value: STORE_EXAMPLES.uptime } }, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidStoreQuery', 'storeNotFound', 'dependencyUnavailable')
  async uptime(@Param('store_id') storeId: string, @Query() query: unknown) {
    return storeUptimeView(await this.stores.storeWeek(parseStoreQuery(storeId, query)));
  }

  @Get(':store_id/timeline')
  @ValidatesItsOwnQuery()
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The evidence behind a store’s numbers',
    description:
      'What the computation of GET /stores/{store_id}/uptime used and derived: the zone (and whether it fell back), the business intervals of the week in UTC and local time, ' +
      'the carry-in and week polls each marked counted or not and why, the status segments of the method, and the exact totals per window. See docs/service.md for a worked reading.',
  })
  @ApiParam(STORE_ID_PARAMETER)
  @ApiQuery(AS_OF_PARAMETER)
  @ApiQuery(METHOD_PARAMETER)
  @ApiJsonAnswer(200, 'The evidence', 'StoreTimeline', { hourly: { summary: 'docs/uptime-spec.md worked example 2', value: STORE_EXAMPLES.timeline } }, ['CacheControlNoStore'])
  @ApiProblems(...READ_KEY_PROBLEMS, 'invalidStoreQuery', 'storeNotFound', 'dependencyUnavailable')
  async timeline(@Param('store_id') storeId: string, @Query() query: unknown) {
    return storeTimeline(await this.stores.storeWeek(parseStoreQuery(storeId, query)));
  }
}
