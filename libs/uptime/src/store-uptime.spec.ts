import { oracleReport } from '../../../test/support/uptime-oracle';
import { DST_WEEK_NOWS, mulberry32, randomStores } from '../../../test/support/random-stores';
import { hoursOf, pollsOf, zonesOf, type HoursRow, type PollRow, type ZoneRow } from '../../../test/support/uptime-tables';
import { parseInstant } from './parse';
import { storeNumbers, storeTimeline } from './store-timeline';
import { UPTIME_METHODS, weekFrame, ZoneCache, type UptimeMethod } from './store-week';
import { computeStoreUptime, computeUptimeReport, type StoreUptime } from './uptime-report';

const DAY_MS = 86_400_000;

/** One store's path on only that store's rows, as the store window loader gives them. */
function oneStore(storeId: string, polls: PollRow[], hours: HoursRow[], zones: ZoneRow[], nowUs: number, method: UptimeMethod): StoreUptime | null {
  const mine = <T extends [string, ...unknown[]]>(rows: T[]) => rows.filter((row) => row[0] === storeId);
  return computeStoreUptime({ polls: pollsOf(mine(polls)), hours: hoursOf(mine(hours)), timezones: zonesOf(mine(zones)) }, storeId, { nowUs, method });
}

const usOf = (iso: string) => parseInstant(iso);

describe.each(UPTIME_METHODS)('computeStoreUptime (%s): one store, the same numbers as the whole report', (method) => {
  it.each(DST_WEEK_NOWS.map((now, i) => [now, i]))('agrees with computeUptimeReport and the oracle on every store, week to %s', (now, seed) => {
    const nowMs = Date.parse(now);
    const stores = randomStores(mulberry32(1000 + seed), 70, nowMs - 9 * DAY_MS, nowMs + DAY_MS);
    const inputs = { polls: pollsOf(stores.polls), hours: hoursOf(stores.hours), timezones: zonesOf(stores.zones) };
    const report = computeUptimeReport(inputs, { asOfUs: usOf(now), method });
    const rows = report.table.objects() as Record<string, number | string>[];
    const oracle = oracleReport(
      { polls: stores.polls, hours: stores.hours.map((row) => row.map(String)), zones: stores.zones },
      { nowUs: usOf(now), method },
    );
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.map((row) => row.store_id)).toEqual([...oracle.keys()]);
    for (const row of rows) {
      const single = oneStore(String(row.store_id), stores.polls, stores.hours, stores.zones, usOf(now), method);
      expect(single && storeNumbers(single)).toEqual(row);
      expect({ id: row.store_id, values: single?.week.values }).toEqual({ id: row.store_id, values: oracle.get(String(row.store_id)) });
    }
    // Stores the report does not list (only polls after now, or none) have no single-store answer either.
    for (const id of stores.storeIds.filter((id) => !oracle.has(id))) {
      expect(oneStore(id, stores.polls, stores.hours, stores.zones, usOf(now), method)).toBeNull();
    }
  });
});

describe('computeStoreUptime: what it answers', () => {
  it('answers null for a store with no poll at or before now, and for a store it was not given', () => {
    const polls: PollRow[] = [['a', 'active', '2024-05-06 13:00:00 UTC']];
    expect(oneStore('a', polls, [], [], usOf('2024-05-06T12:00:00Z'), 'hourly')).toBeNull();
    expect(oneStore('b', polls, [], [], usOf('2024-05-06T14:00:00Z'), 'hourly')).toBeNull();
    expect(oneStore('a', polls, [], [], usOf('2024-05-06T14:00:00Z'), 'hourly')).not.toBeNull();
  });

  it('answers 0 everywhere for a store whose polls all fall outside business hours (hourly)', () => {
    const polls: PollRow[] = [['a', 'active', '2024-05-06 20:00:00 UTC']];
    const store = oneStore('a', polls, [['a', 0, '09:00:00', '12:00:00']], [['a', 'UTC']], usOf('2024-05-07T00:00:00Z'), 'hourly')!;
    expect(store.week.values).toEqual([0, 0, 0, 0, 0, 0]);
    const timeline = storeTimeline(store);
    expect(timeline.polls).toEqual([expect.objectContaining({ counted: false, reason: 'outside_business_hours' })]);
    expect(timeline.segments).toEqual([]);
    expect(timeline.windows.last_week).toMatchObject({ business_seconds: 3 * 3600, uptime_seconds: 0, downtime_seconds: 0 });
  });
});

describe('storeTimeline: the evidence behind the numbers', () => {
  // docs/uptime-spec.md worked example 2: Monday 2024-05-06 09:00–12:00 UTC, carry-in active a week
  // earlier, 10:14 active, 11:15 inactive, now 12:00.
  const polls: PollRow[] = [
    ['s', 'active', '2024-04-29 08:00:00 UTC'],
    ['s', 'active', '2024-05-06 10:14:00 UTC'],
    ['s', 'inactive', '2024-05-06 11:15:00 UTC'],
    ['s', 'active', '2024-05-06 12:00:00 UTC'],
  ];
  const hours: HoursRow[] = [['s', 0, '09:00:00', '12:00:00']];
  const zones: ZoneRow[] = [['s', 'UTC']];
  const now = usOf('2024-05-06T12:00:00Z');

  it('hourly: marks each poll counted or not and why, and explains each bucket of the business day', () => {
    const timeline = storeTimeline(oneStore('s', polls, hours, zones, now, 'hourly')!);
    expect(timeline.polls.map((poll) => [poll.timestamp_utc, poll.status, poll.counted, poll.reason])).toEqual([
      ['2024-04-29T08:00:00.000000Z', 'active', true, 'carry_in'],
      ['2024-05-06T10:14:00.000000Z', 'active', true, 'in_business_hours'],
      ['2024-05-06T11:15:00.000000Z', 'inactive', true, 'in_business_hours'],
      ['2024-05-06T12:00:00.000000Z', 'active', false, 'at_now'],
    ]);
    // The week's business time: the previous Monday's 09:00–12:00 lies before the window start.
    expect(timeline.business_intervals).toEqual([
      { start_utc: '2024-05-06T09:00:00.000000Z', end_utc: '2024-05-06T12:00:00.000000Z', start_local: '2024-05-06T09:00:00.000000+00:00', end_local: '2024-05-06T12:00:00.000000+00:00' },
    ]);
    const bucket = (hhmm: string) => timeline.segments.find((segment) => segment.start_utc === `2024-05-06T${hhmm}:00.000000Z`);
    expect(bucket('09:00')).toEqual({
      start_utc: '2024-05-06T09:00:00.000000Z',
      end_utc: '2024-05-06T10:00:00.000000Z',
      status: 'active',
      basis: { rule: 'last_known', poll_utc: '2024-04-29T08:00:00.000000Z' },
    });
    expect(bucket('10:00')).toMatchObject({ status: 'active', basis: { rule: 'votes', active_votes: 1, inactive_votes: 0 } });
    expect(bucket('11:00')).toMatchObject({ status: 'inactive', basis: { rule: 'votes', active_votes: 0, inactive_votes: 1 } });
    // 168 hour buckets, the first starting at the window start (a whole hour here).
    expect(timeline.segments).toHaveLength(168);
    expect(timeline.windows.last_day).toEqual({ start_utc: '2024-05-05T12:00:00.000000Z', business_seconds: 3 * 3600, uptime_seconds: 2 * 3600, downtime_seconds: 3600 });
    expect(timeline.numbers).toEqual({ store_id: 's', uptime_last_hour: 0, uptime_last_day: 2, uptime_last_week: 2, downtime_last_hour: 60, downtime_last_day: 1, downtime_last_week: 1 });
  });

  it('step: counts every window poll, one segment per counted poll from the window start', () => {
    const timeline = storeTimeline(oneStore('s', polls, hours, zones, now, 'step')!);
    expect(timeline.polls.map((poll) => [poll.counted, poll.reason])).toEqual([
      [true, 'carry_in'],
      [true, 'in_window'],
      [true, 'in_window'],
      [true, 'in_window'],
    ]);
    expect(timeline.segments).toEqual([
      { start_utc: '2024-04-29T12:00:00.000000Z', end_utc: '2024-05-06T10:14:00.000000Z', status: 'active', basis: { rule: 'poll', poll_utc: '2024-04-29T08:00:00.000000Z' } },
      { start_utc: '2024-05-06T10:14:00.000000Z', end_utc: '2024-05-06T11:15:00.000000Z', status: 'active', basis: { rule: 'poll', poll_utc: '2024-05-06T10:14:00.000000Z' } },
      { start_utc: '2024-05-06T11:15:00.000000Z', end_utc: '2024-05-06T12:00:00.000000Z', status: 'inactive', basis: { rule: 'poll', poll_utc: '2024-05-06T11:15:00.000000Z' } },
    ]);
    // 135 min up, 45 min down, as the spec works it out.
    expect(timeline.windows.last_day).toMatchObject({ business_seconds: 3 * 3600, uptime_seconds: 135 * 60, downtime_seconds: 45 * 60 });
  });

  it('step: back-fills from the first counted poll when there is no carry-in', () => {
    const timeline = storeTimeline(oneStore('s', polls.slice(1), hours, zones, now, 'step')!);
    expect(timeline.segments[0]).toEqual({
      start_utc: '2024-04-29T12:00:00.000000Z',
      end_utc: '2024-05-06T10:14:00.000000Z',
      status: 'active',
      basis: { rule: 'first_poll', poll_utc: '2024-05-06T10:14:00.000000Z' },
    });
  });

  it('shows a DST week in the zone\'s own offsets (America/Chicago, spring forward 2024-03-10)', () => {
    const store = oneStore(
      'c',
      [['c', 'active', '2024-03-11 15:00:00 UTC']],
      [5, 6, 0].map((day) => ['c', day, '09:00:00', '17:00:00'] as HoursRow), // Saturday, Sunday, Monday
      [['c', 'America/Chicago']],
      usOf('2024-03-12T00:00:00Z'),
      'step',
    )!;
    const intervals = storeTimeline(store).business_intervals;
    expect(intervals.map((interval) => [interval.start_utc, interval.start_local])).toEqual([
      ['2024-03-09T15:00:00.000000Z', '2024-03-09T09:00:00.000000-06:00'],
      ['2024-03-10T14:00:00.000000Z', '2024-03-10T09:00:00.000000-05:00'],
      ['2024-03-11T14:00:00.000000Z', '2024-03-11T09:00:00.000000-05:00'],
    ]);
    expect(storeTimeline(store).windows.last_week.business_seconds).toBe(3 * 8 * 3600);
  });

  it('shows half-hour zones, overnight and split rows, and the fallback zone', () => {
    const hoursRows: HoursRow[] = [
      ['k', 0, '08:00:00', '11:30:00'], // split Monday
      ['k', 0, '17:00:00', '00:30:00'], // … and overnight into Tuesday
    ];
    const store = oneStore('k', [['k', 'active', '2024-05-06 04:00:00 UTC']], hoursRows, [['k', 'Asia/Kolkata']], usOf('2024-05-08T00:00:00Z'), 'hourly')!;
    const timeline = storeTimeline(store);
    expect(timeline.zone).toEqual({ used: 'Asia/Kolkata', given: 'Asia/Kolkata', fallback: null });
    expect(timeline.business_hours).toEqual({
      open_all_week: false,
      rows: [
        { day_of_week: 0, start_time_local: '08:00:00', end_time_local: '11:30:00' },
        { day_of_week: 0, start_time_local: '17:00:00', end_time_local: '00:30:00' },
      ],
    });
    expect(timeline.business_intervals).toEqual([
      { start_utc: '2024-05-06T02:30:00.000000Z', end_utc: '2024-05-06T06:00:00.000000Z', start_local: '2024-05-06T08:00:00.000000+05:30', end_local: '2024-05-06T11:30:00.000000+05:30' },
      { start_utc: '2024-05-06T11:30:00.000000Z', end_utc: '2024-05-06T19:00:00.000000Z', start_local: '2024-05-06T17:00:00.000000+05:30', end_local: '2024-05-07T00:30:00.000000+05:30' },
    ]);
    expect(timeline.polls[0]).toMatchObject({ timestamp_local: '2024-05-06T09:30:00.000000+05:30', reason: 'in_business_hours' });

    const invalid = storeTimeline(oneStore('k', [['k', 'active', '2024-05-06 04:00:00 UTC']], [], [['k', '+05:30']], usOf('2024-05-08T00:00:00Z'), 'hourly')!);
    expect(invalid.zone).toEqual({ used: 'America/Chicago', given: '+05:30', fallback: 'invalid' });
    expect(invalid.business_hours.open_all_week).toBe(true);
    const missing = storeTimeline(oneStore('k', [['k', 'active', '2024-05-06 04:00:00 UTC']], [], [], usOf('2024-05-08T00:00:00Z'), 'hourly')!);
    expect(missing.zone).toEqual({ used: 'America/Chicago', given: null, fallback: 'missing' });
  });

  it('adds up: the intervals are the business time, and the active segments inside them the uptime', () => {
    const now = Date.parse(DST_WEEK_NOWS[0]);
    const stores = randomStores(mulberry32(77), 30, now - 8 * DAY_MS, now);
    for (const method of UPTIME_METHODS) {
      for (const id of stores.storeIds) {
        const store = oneStore(id, stores.polls, stores.hours, stores.zones, usOf(DST_WEEK_NOWS[0]), method);
        if (!store?.week.timeline) continue;
        const timeline = storeTimeline(store);
        const span = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;
        const business = timeline.business_intervals.reduce((sum, i) => sum + span(i.start_utc, i.end_utc), 0);
        let up = 0;
        for (const segment of timeline.segments.filter((s) => s.status === 'active')) {
          for (const i of timeline.business_intervals) {
            const from = Math.max(Date.parse(segment.start_utc), Date.parse(i.start_utc));
            const to = Math.min(Date.parse(segment.end_utc), Date.parse(i.end_utc));
            if (to > from) up += (to - from) / 1000;
          }
        }
        expect(timeline.windows.last_week.business_seconds).toBeCloseTo(business, 3);
        expect(timeline.windows.last_week.uptime_seconds).toBeCloseTo(up, 3);
      }
    }
  });
});

describe('ZoneCache', () => {
  it('builds a clock once per zone and now, and forgets the oldest beyond its limit', () => {
    const cache = new ZoneCache(2);
    const monday = weekFrame(usOf('2024-05-06T12:00:00Z'), 'hourly');
    const tuesday = weekFrame(usOf('2024-05-07T12:00:00Z'), 'hourly');
    const chicago = cache.clockFor('America/Chicago', monday);
    expect(cache.clockFor('America/Chicago', monday)).toBe(chicago);
    expect(cache.clockFor('America/Chicago', tuesday)).not.toBe(chicago);
    cache.clockFor('Asia/Kolkata', monday); // a third clock: the oldest (Chicago, Monday) goes
    expect(cache.clockFor('America/Chicago', monday)).not.toBe(chicago);
    expect([cache.isValid('Asia/Kathmandu'), cache.isValid('+05:30'), cache.isValid('Not/AZone')]).toEqual([true, false, false]);
  });

  it('shared across stores and nows, changes no number', () => {
    const zones = new ZoneCache(3);
    for (const now of DST_WEEK_NOWS) {
      const nowMs = Date.parse(now);
      const stores = randomStores(mulberry32(nowMs % 1000), 25, nowMs - 8 * DAY_MS, nowMs);
      const inputs = { polls: pollsOf(stores.polls), hours: hoursOf(stores.hours), timezones: zonesOf(stores.zones) };
      for (const id of stores.storeIds) {
        const shared = computeStoreUptime(inputs, id, { nowUs: usOf(now), method: 'hourly', zones });
        const fresh = computeStoreUptime(inputs, id, { nowUs: usOf(now), method: 'hourly' });
        expect(shared?.week.values).toEqual(fresh?.week.values);
      }
    }
  });
});

describe('the worked example of docs/service.md ("Reading a timeline")', () => {
  const polls: PollRow[] = [
    ['2024-04-29 20:10:00 UTC', 'active'],
    ['2024-05-06 12:40:00 UTC', 'inactive'],
    ['2024-05-06 13:12:00 UTC', 'active'],
    ['2024-05-06 14:05:00 UTC', 'active'],
    ['2024-05-06 15:20:00 UTC', 'inactive'],
    ['2024-05-06 15:50:00 UTC', 'active'],
    ['2024-05-06 17:15:00 UTC', 'active'],
    ['2024-05-06 19:45:00 UTC', 'inactive'],
    ['2024-05-06 21:10:00 UTC', 'active'],
  ].map(([at, status]) => ['1234', status, at]);
  const store = (method: UptimeMethod) =>
    storeTimeline(oneStore('1234', polls, [['1234', 0, '09:00:00', '17:00:00']], [['1234', 'America/New_York']], usOf('2024-05-06T21:30:00Z'), method)!);

  it('hourly: 5 h up and 3 h down, the two polls outside 09:00–17:00 local not counted', () => {
    const timeline = store('hourly');
    expect(timeline.numbers).toEqual({ store_id: '1234', uptime_last_hour: 0, uptime_last_day: 5, uptime_last_week: 5, downtime_last_hour: 30, downtime_last_day: 3, downtime_last_week: 3 });
    expect(timeline.polls.filter((poll) => !poll.counted).map((poll) => poll.timestamp_local)).toEqual([
      '2024-05-06T08:40:00.000000-04:00',
      '2024-05-06T17:10:00.000000-04:00',
    ]);
    expect(timeline.segments.filter((s) => s.start_utc >= '2024-05-06T13' && s.start_utc < '2024-05-06T21').map((s) => [s.status, s.basis.rule])).toEqual([
      ['active', 'votes'],
      ['active', 'votes'],
      ['inactive', 'votes'],
      ['active', 'last_known'],
      ['active', 'votes'],
      ['active', 'last_known'],
      ['inactive', 'votes'],
      ['inactive', 'last_known'],
    ]);
  });

  it('step: 6.05 h up and 1.95 h down from the same polls', () => {
    expect(store('step').numbers).toMatchObject({ uptime_last_day: 6.05, downtime_last_day: 1.95 });
  });
});
