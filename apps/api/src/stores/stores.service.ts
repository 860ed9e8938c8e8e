import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ApiEnv } from '@store-uptime/config';
import { loadStoreWindow } from '@store-uptime/db';
import { withTimeout } from '@store-uptime/queue';
import { computeStoreUptime, formatInstant, ZoneCache, type StoreUptime } from '@store-uptime/uptime';
import { DependencyUnavailable, storeNotFound } from '../problem/problem';
import { API_ENV } from '../tokens';
import type { StoreQuery } from './store-params';

/** Clocks of a few hundred zones for several `now`s; each is a few kB. */
const ZONE_CACHE_LIMIT = 2_000;

/**
 * One store on demand, computed in the API process at request time. The API never runs a whole
 * report (that is the worker's, in a thread); one store is one index range read of about a week of
 * polls and a few milliseconds of the engine's own per-store code (`computeStoreUptime`), less than
 * a hop to the worker through the queue would cost (docs/service.md, "One store on demand").
 */
@Injectable()
export class StoresService {
  /**
   * Zone clocks across requests: requests without as_of share one `now`, so a clock is built once
   * per zone until new polls arrive (~2 ms each otherwise). Bounded for requests with many as_of.
   */
  private readonly zones = new ZoneCache(ZONE_CACHE_LIMIT);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(API_ENV) private readonly env: ApiEnv,
  ) {}

  /** The store's week as the report with the same `now` and method computes it; 404 when that report would not list it. */
  async storeWeek(query: StoreQuery): Promise<StoreUptime> {
    let window: Awaited<ReturnType<typeof loadStoreWindow>>;
    try {
      // The pool has connect and statement timeouts; this deadline also covers waiting for a connection.
      window = await withTimeout(loadStoreWindow(this.dataSource, query.storeId, { asOf: query.asOf ?? undefined }), this.env.DB_TIMEOUT_MS + 1_000, 'PostgreSQL');
    } catch (error) {
      throw new DependencyUnavailable('database', error);
    }
    if (window.nowUs === null) throw storeNotFound(query.storeId, null);
    const store = computeStoreUptime(window.inputs, query.storeId, { nowUs: window.nowUs, method: query.method, zones: this.zones });
    if (!store) throw storeNotFound(query.storeId, formatInstant(window.nowUs));
    return store;
  }
}
