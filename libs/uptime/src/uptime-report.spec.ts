import { reportOf, upDown } from '../../../test/support/uptime-tables';

const at = (iso: string) => new Date(iso);

// Expected numbers are worked out by hand from docs/uptime-spec.md; comments show the arithmetic.
describe('computeUptimeReport: the worked examples of the spec', () => {
  const example1 = [
    ['s', 'active', '2024-05-06 11:00:00 UTC'],
    ['s', 'inactive', '2024-05-06 11:30:00 UTC'],
  ] as [string, string, string][];

  it('example 1, step: the last hour is half up, half down', () => {
    const row = reportOf(example1, [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).s;
    expect(upDown(row, 'hour')).toEqual([30, 30]);
    // Back-fill: active from the day's start until 11:30 → 23.5 h up, 0.5 h down.
    expect(upDown(row, 'day')).toEqual([23.5, 0.5]);
    expect(upDown(row, 'week')).toEqual([167.5, 0.5]);
  });

  it('example 1, hourly: a tie in the bucket is inactive', () => {
    const row = reportOf(example1, [], [], { asOf: at('2024-05-06T12:00:00Z'), method: 'hourly' }).s;
    expect(upDown(row, 'hour')).toEqual([0, 60]);
    // Empty buckets before 11:00 have no earlier poll → the first counted poll (active).
    expect(upDown(row, 'day')).toEqual([23, 1]);
    expect(upDown(row, 'week')).toEqual([167, 1]);
  });

  // Example 2: open 09:00–12:00 UTC on Monday 2024-05-06 only; the carry-in (a week earlier, before
  // the window) was active. The previous Monday's hours end exactly where the week window starts.
  const example2Polls = [
    ['s', 'active', '2024-04-29 08:00:00 UTC'],
    ['s', 'active', '2024-05-06 10:14:00 UTC'],
    ['s', 'inactive', '2024-05-06 11:15:00 UTC'],
  ] as [string, string, string][];
  const example2Hours = [['s', 0, '09:00:00', '12:00:00']] as [string, number, string, string][];
  const example2Zones = [['s', 'UTC']] as [string, string][];

  it('example 2, step: 09:00–11:15 active, 11:15–12:00 inactive', () => {
    const row = reportOf(example2Polls, example2Hours, example2Zones, { asOf: at('2024-05-06T12:00:00Z'), method: 'step' }).s;
    expect(upDown(row, 'hour')).toEqual([15, 45]);
    expect(upDown(row, 'day')).toEqual([2.25, 0.75]); // 135 min up, 45 min down
    expect(upDown(row, 'week')).toEqual([2.25, 0.75]);
  });

  it('example 2, hourly: the empty 09:00 bucket takes the carry-in', () => {
    const row = reportOf(example2Polls, example2Hours, example2Zones, { asOf: at('2024-05-06T12:00:00Z'), method: 'hourly' }).s;
    expect(upDown(row, 'hour')).toEqual([0, 60]);
    expect(upDown(row, 'day')).toEqual([2, 1]); // 120 min up, 60 min down
  });

  // Example 3: open 22:00–02:00 (overnight) on Monday 2024-05-06 only; now = Tuesday 02:00.
  const example3Polls = [
    ['s', 'inactive', '2024-05-06 21:50:00 UTC'],
    ['s', 'active', '2024-05-07 00:30:00 UTC'],
  ] as [string, string, string][];
  const example3Hours = [['s', 0, '22:00:00', '02:00:00']] as [string, number, string, string][];

  it('example 3, step: inactive until 00:30, active after', () => {
    const row = reportOf(example3Polls, example3Hours, [['s', 'UTC']], { asOf: at('2024-05-07T02:00:00Z'), method: 'step' }).s;
    expect(upDown(row, 'day')).toEqual([1.5, 2.5]);
    expect(upDown(row, 'hour')).toEqual([60, 0]);
  });

  it('example 3, hourly: the poll outside hours is discarded and 00:30 back-fills', () => {
    const row = reportOf(example3Polls, example3Hours, [['s', 'UTC']], { asOf: at('2024-05-07T02:00:00Z'), method: 'hourly' }).s;
    expect(upDown(row, 'day')).toEqual([4, 0]);
    expect(upDown(row, 'week')).toEqual([4, 0]);
  });

  it('example 3, hourly: a carry-in says otherwise for the buckets before 00:30', () => {
    const polls = [['s', 'inactive', '2024-04-29 23:00:00 UTC'], ...example3Polls] as [string, string, string][];
    const row = reportOf(polls, example3Hours, [['s', 'UTC']], { asOf: at('2024-05-07T02:00:00Z'), method: 'hourly' }).s;
    // Buckets 22, 23 inactive (carry-in); 00 active (the 00:30 poll); 01 active (latest before it).
    expect(upDown(row, 'day')).toEqual([2, 2]);
  });
});
