import { reportOf, type HoursRow, type PollRow, type ZoneRow } from './test-tables';

/**
 * Cross-checks the engine against a deliberately naive reading of the spec: every minute of the
 * week is classified on its own (business or not, active or not) by rules written straight from
 * the spec's sentences, with none of the engine's machinery (no intervals, no merges, no packed
 * keys, no zone clock). Inputs live on a whole-minute grid, so minute sampling is exact.
 *
 * Zones here have fixed offsets (DST days are covered by hand-worked cases in zone-clock.spec.ts):
 * on such zones "local wall-clock time falls in a row's hours" is the same as the spec's instants.
 */
const MINUTE = 60_000;
const FIXED_ZONES: Record<string, number> = { UTC: 0, 'Asia/Kathmandu': 345, 'America/Phoenix': -420, 'Asia/Kolkata': 330 };
const CHICAGO_IN_JANUARY = -360; // the fallback zone; the random weeks below are in January

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
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', ' UTC');

function randomCase(random: () => number, storeCount: number): Case {
  const nowMs = Date.UTC(2023, 0, 25, 18, 13) + Math.floor(random() * 120) * MINUTE;
  const polls: PollRow[] = [];
  const hours: HoursRow[] = [];
  const zones: ZoneRow[] = [];
  const zoneNames = [...Object.keys(FIXED_ZONES), 'Not/AZone', ''];
  for (let s = 0; s < storeCount; s++) {
    const id = `store-${String(s).padStart(3, '0')}`;
    const zoneDraw = random();
    if (zoneDraw < 0.85) zones.push([id, zoneNames[Math.floor(random() * zoneNames.length)]]);
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
      const at = base + Math.floor(random() * (9 * 24 * 60 + 90)) * MINUTE;
      const status = random() < 0.7 ? 'active' : 'inactive';
      polls.push([id, status, stamp(at)]);
      if (random() < 0.05) polls.push([id, status === 'active' ? 'inactive' : 'active', stamp(at)]); // same timestamp
    }
    if (random() < 0.1) polls.push([id, 'active', stamp(nowMs)]); // exactly at now
  }
  return { polls, hours, zones, nowMs };
}

/** The spec, minute by minute. */
function oracle(c: Case, method: 'hourly' | 'step'): Record<string, number[]> {
  const weekStart = c.nowMs - 7 * 24 * 60 * MINUTE;
  const result: Record<string, number[]> = {};
  const storeIds = [...new Set(c.polls.map((p) => p[0]))].sort();
  for (const id of storeIds) {
    const all = c.polls
      .filter((p) => p[0] === id)
      .map((p) => ({ t: Date.parse(p[2].replace(' UTC', 'Z').replace(' ', 'T')), active: p[1] === 'active' }))
      .filter((p) => p.t <= c.nowMs);
    if (all.length === 0) continue;
    // "for ordering, the inactive one is the later one"
    all.sort((a, b) => a.t - b.t || Number(b.active) - Number(a.active));
    const zoneNames = c.zones.filter((z) => z[0] === id).map((z) => z[1]).sort();
    const offset = zoneNames.length && zoneNames[0] in FIXED_ZONES ? FIXED_ZONES[zoneNames[0]] : CHICAGO_IN_JANUARY;
    const toMinutes = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
    const rows = c.hours.filter((h) => h[0] === id).map(([, day, start, end]) => [Number(day), toMinutes(start), toMinutes(end)]);
    const isBusiness = (t: number) => {
      if (rows.length === 0) return true;
      const local = t + offset * MINUTE;
      const localDay = Math.floor(local / (1440 * MINUTE));
      const minuteOfDay = Math.floor((local - localDay * 1440 * MINUTE) / MINUTE);
      const weekday = (((localDay + 3) % 7) + 7) % 7;
      const yesterday = (weekday + 6) % 7;
      return rows.some(([day, s, e]) => {
        if (e > s) return day === weekday && minuteOfDay >= s && minuteOfDay < e;
        return (day === weekday && minuteOfDay >= s) || (day === yesterday && minuteOfDay < e);
      });
    };
    const carryIn = all.filter((p) => p.t < weekStart).pop();
    const window = all.filter((p) => p.t >= weekStart);
    const counted = [
      ...(carryIn ? [carryIn] : []),
      ...(method === 'step' ? window : window.filter((p) => p.t < c.nowMs && isBusiness(p.t))),
    ];
    // Minutes are visited in order, so "the latest counted poll at or before t" is a moving index.
    let latest = -1;
    const bucketStatus = new Map<number, boolean>();
    const statusAt = (t: number): boolean | null => {
      if (counted.length === 0) return null;
      if (method === 'step') {
        while (latest + 1 < counted.length && counted[latest + 1].t <= t) latest++;
        return (latest >= 0 ? counted[latest] : counted[0]).active;
      }
      const bucket = Math.floor(t / (60 * MINUTE)) * 60 * MINUTE;
      if (!bucketStatus.has(bucket)) {
        const inBucket = counted.filter((p) => p.t >= bucket && p.t < bucket + 60 * MINUTE);
        const before = counted.filter((p) => p.t < bucket);
        bucketStatus.set(
          bucket,
          inBucket.length
            ? inBucket.filter((p) => p.active).length * 2 > inBucket.length
            : (before.length ? before[before.length - 1] : counted[0]).active,
        );
      }
      return bucketStatus.get(bucket)!;
    };
    const up = [0, 0, 0];
    const business = [0, 0, 0];
    const windowMinutes = [60, 1440, 10080];
    for (let m = 0; m < 10080; m++) {
      const t = weekStart + m * MINUTE;
      if (!isBusiness(t)) continue;
      const status = statusAt(t);
      for (let w = 0; w < 3; w++) {
        if (m < 10080 - windowMinutes[w]) continue;
        business[w]++;
        if (status) up[w]++;
      }
    }
    const evidence = counted.length > 0;
    const down = business.map((b, w) => (evidence ? b - up[w] : 0));
    const round = (minutes: number, w: number) => Math.round((w === 0 ? minutes : minutes / 60) * 100) / 100;
    result[id] = [...up.map(round), ...down.map(round)];
  }
  return result;
}

const COLUMNS = ['uptime_last_hour', 'uptime_last_day', 'uptime_last_week', 'downtime_last_hour', 'downtime_last_day', 'downtime_last_week'] as const;

describe.each(['hourly', 'step'] as const)('computeUptimeReport (%s) against a minute-by-minute reading of the spec', (method) => {
  it.each([1, 2, 3, 4])('agrees store by store on random case %i', (seed) => {
    const c = randomCase(mulberry32(seed * 7919), 60);
    const expected = oracle(c, method);
    const actual = reportOf(c.polls, c.hours, c.zones, { asOf: new Date(c.nowMs), method });
    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, values] of Object.entries(expected)) {
      const row = actual[id];
      expect({ id, values: COLUMNS.map((name) => row[name]) }).toEqual({ id, values });
    }
  });
});
