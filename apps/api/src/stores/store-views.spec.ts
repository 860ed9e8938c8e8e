import { hoursOf, pollsOf, zonesOf } from '../../../../test/support/uptime-tables';
import { computeStoreUptime, parseInstant, storeTimeline } from '@store-uptime/uptime';
import { STORE_EXAMPLES, storeUptimeView } from './store-views';

describe('the OpenAPI examples of the store routes', () => {
  // docs/uptime-spec.md worked example 2, as the examples say.
  const id = STORE_EXAMPLES.uptime.store_id;
  const store = computeStoreUptime(
    {
      polls: pollsOf([
        [id, 'active', '2024-04-29 08:00:00 UTC'],
        [id, 'active', '2024-05-06 10:14:00 UTC'],
        [id, 'inactive', '2024-05-06 11:15:00 UTC'],
      ]),
      hours: hoursOf([[id, 0, '09:00:00', '12:00:00']]),
      timezones: zonesOf([[id, 'UTC']]),
    },
    id,
    { nowUs: parseInstant('2024-05-06T12:00:00Z'), method: 'hourly' },
  )!;

  it('are what the routes answer for the example store (the uptime one whole)', () => {
    expect(storeUptimeView(store)).toEqual(STORE_EXAMPLES.uptime);
  });

  it('are what the routes answer for the example store (the timeline cut to the business day)', () => {
    const timeline = storeTimeline(store);
    const businessDay = timeline.segments.filter((segment) => segment.start_utc >= '2024-05-06T09' && segment.end_utc <= '2024-05-06T12:00:00.000000Z');
    expect({ ...timeline, segments: businessDay }).toEqual(STORE_EXAMPLES.timeline);
  });
});
