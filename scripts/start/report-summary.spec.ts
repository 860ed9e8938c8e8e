import { summarizeReportCsv } from './report-summary';

const HEADER = 'store_id,uptime_last_hour,uptime_last_day,uptime_last_week,downtime_last_hour,downtime_last_day,downtime_last_week\n';

describe('summarizeReportCsv', () => {
  it('counts stores, sums the week and ranks the stores with the most downtime (ties by store id)', () => {
    const csv = HEADER + 'a,0,0,10.00,0,0,30.00\nb,0,0,40.00,0,0,0.00\nc,0,0,20.00,0,0,30.00\nd,0,0,5.50,0,0,4.50\n';
    expect(summarizeReportCsv(csv, 2)).toEqual({
      stores: 4,
      weekUpHours: 75.5,
      weekDownHours: 64.5,
      weekUptimeShare: 75.5 / 140,
      mostDowntime: [
        { storeId: 'a', downHours: 30, upHours: 10 },
        { storeId: 'c', downHours: 30, upHours: 20 },
      ],
    });
  });

  it('has no uptime share and no ranking for a report without stores', () => {
    expect(summarizeReportCsv(HEADER)).toEqual({ stores: 0, weekUpHours: 0, weekDownHours: 0, weekUptimeShare: null, mostDowntime: [] });
  });

  it('refuses a file that is not a report', () => {
    expect(() => summarizeReportCsv('a,b\n1,2\n')).toThrow('not a report CSV');
  });
});
