import type { HoursRow, PollRow, ZoneRow } from './uptime-tables';

/**
 * Random stores for cross-checks of one store against the whole report and against the oracle:
 * weeks with a daylight-saving change (US, EU and southern-hemisphere dates), half- and
 * quarter-hour zones, split days, overnight and 24 h rows, missing and invalid zones, polls at equal
 * timestamps and sub-second times. Business-hours edges stay out of 01:00–04:00 local, where the
 * DST gaps and overlaps of these zones are: the oracle reads local times by the wall clock, which
 * is the spec's rule everywhere except inside a gap or an overlap (zone-clock.spec.ts checks those).
 */

const DST_AND_ODD_ZONES = [
  'America/Chicago',
  'America/New_York',
  'Europe/London',
  'Australia/Adelaide', // +9:30 / +10:30, DST ends 2024-04-07
  'America/St_Johns', // -3:30 / -2:30
  'Asia/Kolkata', // +5:30
  'Asia/Kathmandu', // +5:45
  'UTC',
  'Not/AZone',
  '',
] as const;

/** `now` values whose week holds a DST change somewhere in DST_AND_ODD_ZONES (2024: US 03-10, EU 03-31, AU 04-07, US 11-03). */
export const DST_WEEK_NOWS = ['2024-03-12T15:20:00Z', '2024-04-02T06:07:30.5Z', '2024-04-09T23:59:59Z', '2024-11-05T12:00:00Z'] as const;

export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomStores {
  storeIds: string[];
  polls: PollRow[];
  hours: HoursRow[];
  zones: ZoneRow[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const clock = (minutes: number) => `${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}:00`;
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', ' UTC');

/** A local time of day (minutes) on a quarter hour outside 01:00–04:00. */
function edgeMinutes(random: () => number): number {
  const quarters = Math.floor(random() * 84); // 96 quarters minus the 12 of 01:00–04:00
  return (quarters < 4 ? quarters : quarters + 12) * 15;
}

/** `storeCount` stores polled at random instants over `[fromMs, toMs)`. */
export function randomStores(random: () => number, storeCount: number, fromMs: number, toMs: number): RandomStores {
  const stores: RandomStores = { storeIds: [], polls: [], hours: [], zones: [] };
  for (let s = 0; s < storeCount; s++) {
    const id = `st-${String(s).padStart(4, '0')}`;
    stores.storeIds.push(id);
    const zoneDraw = random();
    if (zoneDraw < 0.9) stores.zones.push([id, DST_AND_ODD_ZONES[Math.floor(random() * DST_AND_ODD_ZONES.length)]]);
    if (zoneDraw < 0.05) stores.zones.push([id, 'Asia/Kolkata']); // two rows: the one sorting first wins
    const shape = random();
    if (shape < 0.15) {
      // no rows: open all the time
    } else if (shape < 0.45) {
      // split days: a morning and an evening interval on most weekdays
      for (let day = 0; day < 7; day++) {
        if (random() < 0.2) continue;
        stores.hours.push([id, day, '08:00:00', '11:30:00'], [id, day, clock(15 * 60 + 15 * Math.floor(random() * 8)), '21:45:00']);
      }
    } else {
      const rows = 1 + Math.floor(random() * 6);
      for (let r = 0; r < rows; r++) {
        const start = edgeMinutes(random);
        const kind = random();
        // ordinary, overnight (end < start) or 24 h (end == start)
        const end = kind < 0.6 ? Math.min(start + 15 * (1 + Math.floor(random() * 40)), 23 * 60 + 45) : kind < 0.9 ? edgeMinutes(random) : start;
        stores.hours.push([id, Math.floor(random() * 7), clock(start), clock(end === start && kind < 0.9 ? end + 15 : end)]);
      }
    }
    const pollCount = Math.floor(random() * 80);
    for (let p = 0; p < pollCount; p++) {
      const ms = fromMs + Math.floor(random() * (toMs - fromMs)); // millisecond timestamps
      const status = random() < 0.7 ? 'active' : 'inactive';
      stores.polls.push([id, status, stamp(ms)]);
      if (random() < 0.03) stores.polls.push([id, status === 'active' ? 'inactive' : 'active', stamp(ms)]); // same timestamp
    }
  }
  return stores;
}
