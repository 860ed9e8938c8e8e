/**
 * The few numbers `npm start` prints about the report it fetched, read back from the CSV itself
 * (so the summary says what the file says): how many stores, the fleet's uptime share of business
 * hours last week, and the stores with the most downtime last week.
 */
export interface ReportSummary {
  stores: number;
  /** Hours up and down in business hours over the last week, summed over every store. */
  weekUpHours: number;
  weekDownHours: number;
  /** Up / (up + down) over the last week; null when the stores had no business hours at all. */
  weekUptimeShare: number | null;
  mostDowntime: { storeId: string; downHours: number; upHours: number }[];
}

const WEEK_UP = 'uptime_last_week';
const WEEK_DOWN = 'downtime_last_week';

export function summarizeReportCsv(csv: string, top = 5): ReportSummary {
  const lines = csv.split('\n').filter((line) => line.length > 0);
  const header = (lines.shift() ?? '').split(',');
  const up = header.indexOf(WEEK_UP);
  const down = header.indexOf(WEEK_DOWN);
  if (header[0] !== 'store_id' || up < 0 || down < 0) throw new Error('not a report CSV: the header lacks store_id or the week columns');
  let weekUpHours = 0;
  let weekDownHours = 0;
  const stores = lines.map((line) => {
    const fields = line.split(',');
    const row = { storeId: fields[0], upHours: Number(fields[up]), downHours: Number(fields[down]) };
    weekUpHours += row.upHours;
    weekDownHours += row.downHours;
    return row;
  });
  const mostDowntime = stores
    .filter((store) => store.downHours > 0)
    .sort((a, b) => b.downHours - a.downHours || (a.storeId < b.storeId ? -1 : 1))
    .slice(0, top);
  const total = weekUpHours + weekDownHours;
  return { stores: stores.length, weekUpHours, weekDownHours, weekUptimeShare: total > 0 ? weekUpHours / total : null, mostDowntime };
}
