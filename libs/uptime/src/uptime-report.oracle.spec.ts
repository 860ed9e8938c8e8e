import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oracleReport, rowsByHeader, type OracleInputs } from '../../../test/support/uptime-oracle';
import { reportOf, type HoursRow, type PollRow, type ReportRow, type ZoneRow } from '../../../test/support/uptime-tables';

/**
 * Cross-checks the engine against test/support/uptime-oracle.ts, a deliberately naive reading of
 * the spec that shares none of the engine's code: on random stores (overnight and 24 h rows,
 * duplicated and invalid zones, polls at equal timestamps and exactly at now) and on the
 * end-to-end fixture (test/e2e/fixtures: real zones, sub-second timestamps, bad rows).
 */
const MINUTE = 60_000;
const ZONES = ['UTC', 'Asia/Kathmandu', 'America/Phoenix', 'Asia/Kolkata', 'Not/AZone', ''];

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case {
  polls: PollRow[];
  hours: HoursRow[];
  zones: ZoneRow[];
  nowMs: number;
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');

/** A January week (no daylight-saving change), whole minutes for the hours, milliseconds for the polls. */
function randomCase(random: () => number, storeCount: number): Case {
  const nowMs = Date.UTC(2023, 0, 25, 18, 13) + Math.floor(random() * 120 * MINUTE);
  const polls: PollRow[] = [];
  const hours: HoursRow[] = [];
  const zones: ZoneRow[] = [];
  for (let s = 0; s < storeCount; s++) {
    const id = `store-${String(s).padStart(3, '0')}`;
    const zoneDraw = random();
    if (zoneDraw < 0.85) zones.push([id, ZONES[Math.floor(random() * ZONES.length)]]);
    if (zoneDraw < 0.1) zones.push([id, 'UTC']); // duplicated zone rows: the one sorting first wins
    const rowCount = Math.floor(random() * 5);
    for (let r = 0; r < rowCount; r++) {
      const start = Math.floor(random() * 96) * 15;
      const shape = random();
      // ordinary, overnight (end < start) or 24 h (end == start)
      const end = shape < 0.7 ? Math.min(start + 15 + Math.floor(random() * 40) * 15, 1439) : shape < 0.9 ? Math.floor(random() * 96) * 15 : start;
      hours.push([id, Math.floor(random() * 7), clock(start), clock(end)]);
    }
    const pollCount = Math.floor(random() * 40);
    const base = nowMs - 9 * 24 * 60 * MINUTE;
    for (let p = 0; p < pollCount; p++) {
      const at = base + Math.floor(random() * (9 * 24 * 60 + 90) * MINUTE);
      const status = random() < 0.7 ? 'active' : 'inactive';
      polls.push([id, status, stamp(at)]);
      if (random() < 0.05) polls.push([id, status === 'active' ? 'inactive' : 'active', stamp(at)]); // same timestamp
    }
    if (random() < 0.1) polls.push([id, 'active', stamp(nowMs)]); // exactly at now
  }
  return { polls, hours, zones, nowMs };
}

const COLUMNS = ['uptime_last_hour', 'uptime_last_day', 'uptime_last_week', 'downtime_last_hour', 'downtime_last_day', 'downtime_last_week'] as const;

function expectSameReport(actual: Record<string, ReportRow>, expected: Map<string, number[]>): void {
  expect(Object.keys(actual)).toEqual([...expected.keys()]);
  for (const [id, values] of expected) {
    expect({ id, values: COLUMNS.map((name) => actual[id][name]) }).toEqual({ id, values });
  }
}

describe('the oracle itself', () => {
  const at = (hhmm: string) => `2023-01-24 ${hhmm}:00 UTC`;
  const noon = Date.parse('2023-01-24T12:00:00Z') * 1000;

  it.each([
    // docs/uptime-spec.md, worked example 1: polls 11:00 active, 11:30 inactive.
    ['step', [], [30, 30]],
    ['hourly', [], [0, 60]],
    // Worked example 2: hours 09:00–12:00 UTC, carry-in active, 10:14 active, 11:15 inactive.
    ['step', [['s', '1', '09:00:00', '12:00:00']], [135, 45]],
    ['hourly', [['s', '1', '09:00:00', '12:00:00']], [120, 60]],
  ] as const)('reproduces the spec\'s worked examples by hand (%s, hours %j)', (method, hours, [upHour, downHour]) => {
    const polls = hours.length === 0
      ? [['s', 'active', at('11:00')], ['s', 'inactive', at('11:30')]]
      : [['s', 'active', '2023-01-17 08:00:00 UTC'], ['s', 'active', at('10:14')], ['s', 'inactive', at('11:15')]];
    const report = oracleReport({ polls, hours: hours.map((row) => [...row]), zones: [['s', 'UTC']] }, { nowUs: noon, method });
    // 2023-01-24 is a Tuesday (dayOfWeek 1); the last hour is 11:00–12:00, the hours row covers three.
    const row = report.get('s')!;
    if (hours.length === 0) expect([row[0], row[3]]).toEqual([upHour, downHour]);
    else expect([row[1] * 60, row[4] * 60]).toEqual([upHour, downHour]);
  });
});

describe.each(['hourly', 'step'] as const)('computeUptimeReport (%s) against the naive reading of the spec', (method) => {
  it.each([1, 2, 3, 4])('agrees store by store on random case %i', (seed) => {
    const c = randomCase(mulberry32(seed * 7919), 60);
    const inputs: OracleInputs = { polls: c.polls, hours: c.hours.map((row) => row.map(String)), zones: c.zones };
    const expected = oracleReport(inputs, { nowUs: c.nowMs * 1000, method });
    expectSameReport(reportOf(c.polls, c.hours, c.zones, { asOf: new Date(c.nowMs), method }), expected);
  });

  it.each([undefined, '2023-01-24T12:00:00Z'])('agrees store by store on the end-to-end fixture (as_of %s)', (asOf) => {
    const fixture = (name: string, columns: string[]) => rowsByHeader(readFileSync(join(__dirname, '../../../test/e2e/fixtures', name), 'utf8'), columns);
    const inputs = {
      polls: fixture('polls.csv', ['store_id', 'status', 'timestamp_utc']),
      hours: fixture('menu_hours.csv', ['store_id', 'dayOfWeek|day', 'start_time_local', 'end_time_local']),
      zones: fixture('timezones.csv', ['store_id', 'timezone_str']),
    };
    const expected = oracleReport(inputs, { method, ...(asOf ? { nowUs: Date.parse(asOf) * 1000 } : {}) });
    expect(expected.size).toBe(8);
    // The engine through its test helpers, which skip bad rows as the readers do.
    const valid = <T extends string[]>(rows: T[], ok: (row: T) => boolean) => rows.filter(ok);
    const actual = reportOf(
      valid(inputs.polls, ([id, status, time]) => id.trim() !== '' && /^(in)?active$/i.test(status.trim()) && /\d UTC$/.test(time)) as PollRow[],
      valid(inputs.hours, ([, day]) => /^[0-6]$/.test(day)) as HoursRow[],
      inputs.zones as ZoneRow[],
      { method, ...(asOf ? { asOf: new Date(asOf) } : {}) },
    );
    expectSameReport(actual, expected);
  });
});
