import { plainStoreUptimeRequest, storeUptimeFastLane } from './store-fast-lane';
import type { StoresService } from './stores.service';

describe('the store uptime fast lane', () => {
  // Only which requests the lane takes is checked here: its reads are the e2e spec's (test/e2e/stores.e2e-spec.ts).
  const lane = storeUptimeFastLane({} as StoresService);

  it('reads the id and the declared parameters as Express does', () => {
    expect(plainStoreUptimeRequest('/stores/8419537941919820732/uptime')).toEqual({ path: '/stores/8419537941919820732/uptime', storeId: '8419537941919820732', query: {} });
    expect(plainStoreUptimeRequest('/stores/a%20b+c/uptime?method=step&as_of=2024-03-12T20:50:00%2B05:30')).toEqual({
      path: '/stores/a%20b+c/uptime',
      storeId: 'a b+c',
      query: { method: 'step', as_of: '2024-03-12T20:50:00+05:30' },
    });
    expect(plainStoreUptimeRequest('/stores/x/uptime?as_of=2024-03-12T20:50:00+05:30')?.query).toEqual({ as_of: '2024-03-12T20:50:00 05:30' });
  });

  it.each([
    '/stores/x/uptime',
    '/stores/x/uptime?method=hourly',
    '/stores/x/uptime?as_of=2024-03-12T15:20:00Z&method=step',
    '/stores/x/uptime?as_of=2024-03-12T20:50:00+05:30',
  ])('answers %s', (url) => {
    expect(lane(url)).toMatchObject({ route: '/stores/:store_id/uptime', instance: '/stores/x/uptime' });
  });

  it.each([
    '/stores/x/uptime/',
    '/stores//uptime',
    '/stores/x/y/uptime',
    '/stores/x/timeline',
    '/stores/x/uptime?',
    '/stores/x/uptime?method=step&',
    '/stores/x/uptime?method=step&method=hourly',
    '/stores/x/uptime?method',
    '/stores/x/uptime?verbose=1',
    '/stores/x/uptime?as%5Fof=2024-03-12T15:20:00Z',
    '/stores/x/uptime?method=weekly',
    '/stores/x/uptime?as_of=2024-02-30T00:00:00Z',
    '/stores/%E0%A4%A/uptime',
    '/stores/%20x/uptime',
    '/STORES/x/uptime',
  ])('leaves %s to Express', (url) => {
    expect(lane(url)).toBeNull();
  });
});
