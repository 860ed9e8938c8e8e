import { businessIntervals } from './business-time';
import { MICROS_PER_SECOND, parseLocalTime } from './parse';
import { isValidTimeZone, ZoneClock } from './zone-clock';

const us = (iso: string) => Date.parse(iso) * 1000;
/** Local wall time as µs since local 1970-01-01, the form ZoneClock.toUtc takes. */
const wall = (isoLocal: string) => Date.parse(`${isoLocal}Z`) * 1000;
const clockAround = (zone: string, iso: string) => new ZoneClock(zone, us(iso) - 5 * 86_400e6, us(iso) + 5 * 86_400e6);

describe('ZoneClock.toUtc: local wall time to an instant, with the spec’s DST rule', () => {
  it.each([
    // zone, local wall time, expected instant, why
    ['America/Chicago', '2024-03-10T01:30:00', '2024-03-10T07:30:00Z', 'before the gap: CST (-6)'],
    ['America/Chicago', '2024-03-10T02:30:00', '2024-03-10T08:30:00Z', 'in the gap: moved forward by the hour'],
    ['America/Chicago', '2024-03-10T03:30:00', '2024-03-10T08:30:00Z', 'after the gap: CDT (-5)'],
    ['America/Chicago', '2024-11-03T01:30:00', '2024-11-03T06:30:00Z', 'ambiguous: the earlier (CDT)'],
    ['America/Chicago', '2024-11-03T02:30:00', '2024-11-03T08:30:00Z', 'after the overlap: CST'],
    ['Europe/London', '2024-03-31T01:30:00', '2024-03-31T01:30:00Z', 'in the gap: GMT offset, i.e. 02:30 BST'],
    ['Europe/London', '2024-10-27T01:30:00', '2024-10-27T00:30:00Z', 'ambiguous: the earlier (BST)'],
    ['Asia/Kathmandu', '2024-05-06T09:00:00', '2024-05-06T03:15:00Z', '+05:45'],
    ['Australia/Lord_Howe', '2024-10-06T02:15:00', '2024-10-05T15:45:00Z', '30-minute gap: +10:30 before it'],
    ['Australia/Lord_Howe', '2024-04-07T01:45:00', '2024-04-06T14:45:00Z', '30-minute overlap: the earlier (+11)'],
    ['Australia/Lord_Howe', '2024-04-07T02:15:00', '2024-04-06T15:45:00Z', 'after the overlap: +10:30'],
  ])('%s %s → %s (%s)', (zone, local, expected) => {
    expect(clockAround(zone, `${local}Z`).toUtc(wall(local))).toBe(us(expected));
  });

  it('finds the local day of an instant', () => {
    const chicago = clockAround('America/Chicago', '2024-03-10T00:00:00Z');
    // 2024-03-10T05:59:59Z is 23:59:59 CST on 03-09; one second later it is 03-10.
    expect(chicago.localDayOf(us('2024-03-10T05:59:59Z'))).toBe(Date.UTC(2024, 2, 9) / 86_400_000);
    expect(chicago.localDayOf(us('2024-03-10T06:00:00Z'))).toBe(Date.UTC(2024, 2, 10) / 86_400_000);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['America/Chicago', true],
    ['Asia/Kathmandu', true],
    ['UTC', true],
    ['Not/AZone', false],
    ['', false],
    ['+05:00', false],
    ['America/Chicago ', false],
  ])('%j → %s', (name, valid) => expect(isValidTimeZone(name)).toBe(valid));
});

describe('businessIntervals', () => {
  const allDay = (end: string) => ({
    dayOfWeek: [0, 1, 2, 3, 4, 5, 6],
    startUs: Array(7).fill(0),
    endUs: Array(7).fill(parseLocalTime(end)),
  });
  const total = (pairs: number[]) => pairs.reduce((sum, v, i) => sum + (i % 2 ? v : -v), 0);
  const hms = (h: number, m: number, s: number) => ((h * 60 + m) * 60 + s) * MICROS_PER_SECOND;

  it('makes the Chicago business day of 2024-03-10 (spring forward) 22:59:59 long', () => {
    const clock = clockAround('America/Chicago', '2024-03-10T12:00:00Z');
    // From local midnight 03-10 (06:00Z, CST) to local midnight 03-11 (05:00Z, CDT).
    const pairs = businessIntervals(allDay('23:59:59'), clock, us('2024-03-10T06:00:00Z'), us('2024-03-11T05:00:00Z'));
    expect(pairs).toEqual([us('2024-03-10T06:00:00Z'), us('2024-03-11T04:59:59Z')]);
    expect(total(pairs)).toBe(hms(22, 59, 59));
  });

  it('makes the Chicago business day of 2024-11-03 (fall back) 24:59:59 long', () => {
    const clock = clockAround('America/Chicago', '2024-11-03T12:00:00Z');
    const pairs = businessIntervals(allDay('23:59:59'), clock, us('2024-11-03T05:00:00Z'), us('2024-11-04T06:00:00Z'));
    expect(total(pairs)).toBe(hms(24, 59, 59));
  });

  it('runs an end <= start row into the next local date, and end == start for a whole day', () => {
    const clock = clockAround('UTC', '2024-05-06T12:00:00Z');
    const overnight = { dayOfWeek: [0], startUs: [parseLocalTime('22:00:00')], endUs: [parseLocalTime('02:00:00')] };
    expect(businessIntervals(overnight, clock, us('2024-05-06T00:00:00Z'), us('2024-05-08T00:00:00Z'))).toEqual([
      us('2024-05-06T22:00:00Z'),
      us('2024-05-07T02:00:00Z'),
    ]);
    const wholeDay = { dayOfWeek: [0], startUs: [parseLocalTime('09:00:00')], endUs: [parseLocalTime('09:00:00')] };
    expect(businessIntervals(wholeDay, clock, us('2024-05-06T00:00:00Z'), us('2024-05-08T00:00:00Z'))).toEqual([
      us('2024-05-06T09:00:00Z'),
      us('2024-05-07T09:00:00Z'),
    ]);
  });

  it('carries an overnight row of the day before into the span', () => {
    const clock = clockAround('UTC', '2024-05-06T12:00:00Z');
    const sunday = { dayOfWeek: [6], startUs: [parseLocalTime('20:00:00')], endUs: [parseLocalTime('03:00:00')] };
    expect(businessIntervals(sunday, clock, us('2024-05-06T00:00:00Z'), us('2024-05-07T00:00:00Z'))).toEqual([
      us('2024-05-06T00:00:00Z'),
      us('2024-05-06T03:00:00Z'),
    ]);
  });

  it('merges split and overlapping shifts into their union', () => {
    const clock = clockAround('UTC', '2024-05-06T12:00:00Z');
    const shifts = {
      dayOfWeek: [0, 0, 0, 0],
      startUs: ['09:00', '11:00', '12:00', '18:00'].map(parseLocalTime),
      endUs: ['12:00', '14:00', '13:00', '20:00'].map(parseLocalTime),
    };
    expect(businessIntervals(shifts, clock, us('2024-05-06T00:00:00Z'), us('2024-05-07T00:00:00Z'))).toEqual([
      us('2024-05-06T09:00:00Z'),
      us('2024-05-06T14:00:00Z'),
      us('2024-05-06T18:00:00Z'),
      us('2024-05-06T20:00:00Z'),
    ]);
  });

  it('is open all the time without rows, and closed on days without rows', () => {
    const clock = clockAround('UTC', '2024-05-06T12:00:00Z');
    const from = us('2024-05-06T00:00:00Z');
    const to = us('2024-05-08T00:00:00Z');
    expect(businessIntervals(undefined, clock, from, to)).toEqual([from, to]);
    const tuesdayOnly = { dayOfWeek: [1], startUs: [parseLocalTime('10:00')], endUs: [parseLocalTime('11:00')] };
    expect(businessIntervals(tuesdayOnly, clock, from, to)).toEqual([us('2024-05-07T10:00:00Z'), us('2024-05-07T11:00:00Z')]);
  });
});
