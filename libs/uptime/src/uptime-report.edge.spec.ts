import { hoursOf, pollsOf, reportOf, upDown, zonesOf, type HoursRow, type PollRow } from '../../../test/support/uptime-tables';
import { computeUptimeReport } from './uptime-report';

const at = (iso: string) => new Date(iso);
const active = (store: string, time: string): PollRow => [store, 'active', time];
const inactive = (store: string, time: string): PollRow => [store, 'inactive', time];

// Every expectation is worked out by hand from docs/uptime-spec.md; comments show the arithmetic.
describe('daylight saving time inside a report', () => {
  it.each([
    // zone, Sunday (day 6) hours, as_of, expected week uptime in hours, why
    ['America/Chicago', '01:00:00', '04:00:00', '2024-03-10T12:00:00Z', 2, 'spring forward: 07:00Z (CST) to 09:00Z (CDT)'],
    ['America/Chicago', '01:00:00', '04:00:00', '2024-11-03T12:00:00Z', 4, 'fall back: 06:00Z (CDT, the earlier 01:00) to 10:00Z (CST)'],
    ['Europe/London', '00:00:00', '03:00:00', '2024-03-31T12:00:00Z', 2, 'spring forward: 00:00Z (GMT) to 02:00Z (BST)'],
    ['Europe/London', '00:00:00', '03:00:00', '2024-10-27T12:00:00Z', 4, 'fall back: 23:00Z the day before (BST) to 03:00Z (GMT)'],
    ['Australia/Lord_Howe', '01:00:00', '04:00:00', '2024-10-06T12:00:00Z', 2.5, '30-minute spring forward: 14:30Z (+10:30) to 17:00Z (+11)'],
    ['Australia/Lord_Howe', '01:00:00', '04:00:00', '2024-04-07T12:00:00Z', 3.5, '30-minute fall back: 14:00Z (+11) to 17:30Z (+10:30)'],
  ])('%s, Sunday %s–%s, as of %s: %d h of business time (%s)', (zone, start, end, asOf, hours) => {
    const polls = [active('s', '2023-12-01 00:00:00 UTC')]; // a carry-in: active all week
    const row = reportOf(polls, [['s', 6, start, end]], [['s', zone]], { asOf: at(asOf), method: 'step' }).s;
    expect(upDown(row, 'week')).toEqual([hours, 0]);
  });

  it('handles a business interval that starts in the spring-forward gap (moved forward by the gap)', () => {
    // Chicago 2024-03-10 02:30 does not exist → 08:30Z; until 05:00 CDT = 10:00Z → 1.5 h.
    const row = reportOf([active('s', '2024-03-01 00:00:00 UTC')], [['s', 6, '02:30:00', '05:00:00']], [['s', 'America/Chicago']], {
      asOf: at('2024-03-10T12:00:00Z'),
      method: 'step',
    }).s;
    expect(upDown(row, 'week')).toEqual([1.5, 0]);
  });
});

describe('zones with unusual offsets', () => {
  // Kathmandu is +05:45: Monday 09:00–10:00 local is 03:15Z–04:15Z on 2024-05-06.
  const polls = [active('k', '2024-05-06 03:20:00 UTC'), inactive('k', '2024-05-06 03:50:00 UTC')];
  const hours: HoursRow[] = [['k', 0, '09:00:00', '10:00:00']];

  it('step: active 03:15–03:50 (back-filled from the first poll), inactive 03:50–04:15', () => {
    const row = reportOf(polls, hours, [['k', 'Asia/Kathmandu']], { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).k;
    expect(upDown(row, 'day')).toEqual([0.58, 0.42]); // 35/60 = 0.583…, 25/60 = 0.416…
  });

  it('hourly: the 03:00 bucket is a tie (inactive) and 04:00 takes the 03:50 poll', () => {
    const row = reportOf(polls, hours, [['k', 'Asia/Kathmandu']], { asOf: at('2024-05-06T12:00:00Z'), method: 'hourly' }).k;
    expect(upDown(row, 'day')).toEqual([0, 1]);
  });
});

describe('time zone rows', () => {
  const polls = [active('s', '2024-05-06 14:30:00 UTC')];
  // Monday 09:00–10:00 local: 14:00Z in Chicago (CDT, -5), 13:00Z in New York (EDT, -4).
  const hours: HoursRow[] = [['s', 0, '09:00:00', '10:00:00']];
  const asOf = at('2024-05-06T15:00:00Z');

  it.each([
    ['a missing zone', [], 14],
    ['an invalid zone', [['s', 'Mars/Olympus_Mons']], 14],
    ['an empty zone', [['s', '']], 14],
    ['the zone that sorts first of several', [['s', 'America/New_York'], ['s', 'America/Chicago']], 14],
    ['a valid zone', [['s', 'America/New_York']], 13],
  ] as [string, [string, string][], number][])('uses America/Chicago for %s, else the zone (business hour starts %i:00Z)', (_name, zones, startHour) => {
    // step: the one poll at 14:30 back-fills; business time is the hour starting at `startHour`.
    const { table, stats } = computeUptimeReport(
      { polls: pollsOf(polls), hours: hoursOf(hours), timezones: zonesOf(zones) },
      { asOf, method: 'hourly' },
    );
    const row = table.object(0) as Record<string, number>;
    // hourly: the poll is counted only if inside business hours; Chicago 14:00–15:00 holds it, New York
    // 13:00–14:00 does not (no evidence → 0 and 0).
    expect([row.uptime_last_day, row.downtime_last_day]).toEqual(startHour === 14 ? [1, 0] : [0, 0]);
    if (zones.length === 0 || zones[0][1] === '') expect(stats.zonesMissing).toBe(1);
    if (_name === 'an invalid zone') expect(stats.zonesInvalid).toEqual({ 'Mars/Olympus_Mons': 1 });
  });
});

describe('polls on edges', () => {
  it('orders two polls with the same timestamp inactive last (step) and counts both in the majority (hourly)', () => {
    const polls = [active('s', '2024-05-06 11:00:00 UTC'), inactive('s', '2024-05-06 11:00:00 UTC')];
    const step = reportOf(polls, [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).s;
    expect(upDown(step, 'hour')).toEqual([0, 60]);
    // Before 11:00 the first poll back-fills: the active one (it sorts first at the tie).
    expect(upDown(step, 'day')).toEqual([23, 1]);
    const hourly = reportOf([...polls, active('s', '2024-05-06 11:10:00 UTC')], [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'hourly' }).s;
    expect(upDown(hourly, 'hour')).toEqual([60, 0]); // 2 active of 3
  });

  it('counts a poll exactly at the business start and discards one exactly at the end (hourly)', () => {
    // Open 09:00–12:00 UTC Monday; polls 09:00 active (inside), 10:00 inactive (bucket 10), 12:00 active
    // (outside: end is exclusive). Buckets: 09 active, 10 inactive, 11 empty → 10:00's inactive.
    const polls = [active('s', '2024-05-06 09:00:00 UTC'), inactive('s', '2024-05-06 10:00:00 UTC'), active('s', '2024-05-06 12:00:00 UTC')];
    const row = reportOf(polls, [['s', 0, '09:00:00', '12:00:00']], [['s', 'UTC']], { asOf: at('2024-05-06T13:00:00Z'), method: 'hourly' }).s;
    expect(upDown(row, 'day')).toEqual([1, 2]);
  });

  it('reports a store known only from a poll before the week, from that carry-in', () => {
    const polls = [inactive('old', '2024-04-20 00:00:00 UTC'), active('new', '2024-05-06 11:00:00 UTC')];
    for (const method of ['hourly', 'step'] as const) {
      const report = reportOf(polls, [], [], { asOf: at('2024-05-06T12:00:00Z'), method });
      expect(upDown(report.old, 'week')).toEqual([0, 168]);
    }
  });

  it('ignores polls after as_of, and does not report a store seen only after it', () => {
    const polls = [active('s', '2024-05-06 11:00:00 UTC'), inactive('s', '2024-05-06 12:30:00 UTC'), active('late', '2024-05-06 13:00:00 UTC')];
    const { table, stats, nowUs } = computeUptimeReport(
      { polls: pollsOf(polls), hours: hoursOf([]), timezones: zonesOf([]) },
      { asOf: at('2024-05-06T12:00:00Z'), method: 'step' },
    );
    expect(table.array('store_id')).toEqual(['s']);
    expect(table.get('uptime_last_hour', 0)).toBe(60);
    expect(stats.pollsAfterNow).toBe(2);
    expect(nowUs).toBe(Date.parse('2024-05-06T12:00:00Z') * 1000);
  });

  it('uses the latest poll as now by default, and a poll exactly at now is evidence for step only', () => {
    const polls = [active('a', '2024-05-06 10:00:00 UTC'), inactive('b', '2024-05-06 12:00:00.123456 UTC')];
    const step = computeUptimeReport({ polls: pollsOf(polls), hours: hoursOf([]), timezones: zonesOf([]) }, { method: 'step' });
    expect(step.nowUs).toBe(Date.parse('2024-05-06T12:00:00.123Z') * 1000 + 456);
    expect(step.table.objects()).toEqual([
      { store_id: 'a', uptime_last_hour: 60, uptime_last_day: 24, uptime_last_week: 168, downtime_last_hour: 0, downtime_last_day: 0, downtime_last_week: 0 },
      { store_id: 'b', uptime_last_hour: 0, uptime_last_day: 0, uptime_last_week: 0, downtime_last_hour: 60, downtime_last_day: 24, downtime_last_week: 168 },
    ]);
    const hourly = computeUptimeReport({ polls: pollsOf(polls), hours: hoursOf([]), timezones: zonesOf([]) }, { method: 'hourly' });
    expect(hourly.table.object(1)).toMatchObject({ store_id: 'b', uptime_last_week: 0, downtime_last_week: 0 });
  });

  it('sorts stores by plain string order and reports none when there are no polls', () => {
    const polls = ['b', 'B', 'a10', 'a9'].map((id) => active(id, '2024-05-06 10:00:00 UTC'));
    expect(Object.keys(reportOf(polls, [], [], { method: 'step' }))).toEqual(['B', 'a10', 'a9', 'b']);
    const empty = computeUptimeReport({ polls: pollsOf([]), hours: hoursOf([]), timezones: zonesOf([]) });
    expect(empty.table.numRows()).toBe(0);
    expect(empty.nowUs).toBeNull();
  });

  it('rounds half up on exact time: 0.005 h (18 s) → 0.01, 17.999 s → 0.00', () => {
    // One-hour window; the store goes inactive 18 s (then 17.999 s) before now: downtime in minutes
    // 0.30 / 0.29983 → 0.30 / 0.30; in hours 0.005 → 0.01 and 0.0049997… → 0.00.
    const polls18 = [active('s', '2024-05-06 10:00:00 UTC'), inactive('s', '2024-05-06 11:59:42 UTC')];
    const row18 = reportOf(polls18, [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).s;
    expect([row18.downtime_last_hour, row18.downtime_last_day]).toEqual([0.3, 0.01]);
    const polls17 = [active('s', '2024-05-06 10:00:00 UTC'), inactive('s', '2024-05-06 11:59:42.001 UTC')];
    const row17 = reportOf(polls17, [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).s;
    expect([row17.downtime_last_hour, row17.downtime_last_day]).toEqual([0.3, 0]);
  });
});
