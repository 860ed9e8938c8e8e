import { hoursOf, pollsOf, zonesOf, type PollRow, type ZoneRow } from '../../../test/support/uptime-tables';
import { computeUptimeReport } from './uptime-report';
import { reportWarnings } from './report-warnings';

const inputs = (polls: PollRow[], zones: ZoneRow[]) => ({ polls: pollsOf(polls), hours: hoursOf([]), timezones: zonesOf(zones) });

describe('reportWarnings', () => {
  it('says no_polls for a report over no polls at all', () => {
    expect(reportWarnings(computeUptimeReport(inputs([], [])).stats)).toEqual([{ code: 'no_polls', count: 0 }]);
  });

  it('says no_polls when every poll is after the report’s now', () => {
    const report = computeUptimeReport(inputs([['a', 'active', '2024-05-06 11:00:00 UTC']], [['a', 'UTC']]), { asOf: new Date('2024-05-01T00:00:00Z') });
    expect(report.stats.pollsAfterNow).toBe(1);
    expect(reportWarnings(report.stats)).toEqual([{ code: 'no_polls', count: 0 }]);
  });

  it('counts the stores computed in the fallback zone, missing and invalid apart', () => {
    const polls: PollRow[] = ['a', 'b', 'c', 'd'].map((id) => [id, 'active', '2024-05-06 11:00:00 UTC']);
    const report = computeUptimeReport(inputs(polls, [['a', 'Europe/Paris'], ['b', 'Mars/Olympus_Mons'], ['c', 'Nowhere']]));
    expect(reportWarnings(report.stats)).toEqual([
      { code: 'stores_without_zone', count: 1 },
      { code: 'invalid_zone', count: 2 },
    ]);
  });

  it('is empty when there is nothing to say', () => {
    const report = computeUptimeReport(inputs([['a', 'active', '2024-05-06 11:00:00 UTC']], [['a', 'UTC']]));
    expect(reportWarnings(report.stats)).toEqual([]);
  });
});
