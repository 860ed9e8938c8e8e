import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseTimestampUtc } from '@store-uptime/uptime';
import { parseGenDataArgs, runGenData } from './gen-data';

const us = (iso: string): number => Date.parse(iso) * 1000;

describe('parseGenDataArgs', () => {
  it('defaults to the 2023 window, its polling hole, seed 1, scale 1 and the committed sample stores', () => {
    const { out, hours, timezones, options } = parseGenDataArgs(['--out', 'x.csv.gz']);
    expect(out).toBe('x.csv.gz');
    expect(hours).toBe('data/sample/menu_hours.csv.gz');
    expect(timezones).toBe('data/sample/timezones.csv.gz');
    expect(options).toMatchObject({
      seed: 1,
      scale: 1,
      startUs: us('2023-01-18T00:00:00Z'),
      endUs: us('2023-01-25T18:13:22.479Z'),
      hole: { fromUs: us('2023-01-22T17:00:00Z'), toUs: us('2023-01-24T05:53:00Z') },
    });
  });

  it('takes a window, a hole or none, a seed and a scale', () => {
    const args = ['--out', 'y.csv', '--seed', '7', '--scale', '3', '--start', '2024-10-07T00:00:00Z', '--end', '2024-10-14T00:00:00Z'];
    expect(parseGenDataArgs([...args, '--hole', 'none']).options).toMatchObject({ seed: 7, scale: 3, hole: null });
    expect(parseGenDataArgs([...args, '--hole', '2024-10-08T00:00:00Z,2024-10-08T06:00:00Z']).options.hole).toEqual({
      fromUs: us('2024-10-08T00:00:00Z'),
      toUs: us('2024-10-08T06:00:00Z'),
    });
  });

  it.each([
    ['no --out', [], /--out is required/],
    ['an unknown option', ['--out', 'x', '--rows', '5'], /rows/],
    ['a negative seed', ['--out', 'x', '--seed', '-1'], /--seed/],
    ['a fractional scale', ['--out', 'x', '--scale', '1.5'], /--scale/],
    ['a zero scale', ['--out', 'x', '--scale', '0'], /--scale/],
    ['an unparsable start', ['--out', 'x', '--start', 'yesterday'], /--start/],
    ['an end before the start', ['--out', 'x', '--start', '2023-01-20T00:00:00Z', '--end', '2023-01-19T00:00:00Z'], /--end/],
    ['a hole with one instant', ['--out', 'x', '--hole', '2023-01-20T00:00:00Z'], /--hole/],
    ['a reversed hole', ['--out', 'x', '--hole', '2023-01-21T00:00:00Z,2023-01-20T00:00:00Z'], /--hole/],
  ])('rejects %s with a one-line message', (_case, argv, message) => {
    expect(() => parseGenDataArgs(argv)).toThrow(message);
  });
});

describe('runGenData', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gen-data-'));
    // Small store files in the real format: a BOM and CRLF in one, gzip in the other.
    writeFileSync(join(dir, 'hours.csv'), '\uFEFFstore_id,day,start_time_local,end_time_local\r\n11,0,09:00:00,17:00:00\r\n22,1,00:00:00,23:59:59\r\n');
    writeFileSync(join(dir, 'zones.csv.gz'), gzipSync('store_id,timezone_str\n22,Asia/Beirut\n33,America/Boise\n' + Array.from({ length: 47 }, (_, i) => `${100 + i},America/Chicago`).join('\n')));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const stores = (argv: string[]) => ['--hours', join(dir, 'hours.csv'), '--timezones', join(dir, 'zones.csv.gz'), ...argv];

  it('writes a gzipped poll file for the stores of both files, with an empty hole', async () => {
    const out = join(dir, 'polls.csv.gz');
    const summary = await runGenData(stores(['--out', out, '--seed', '5']));
    const lines = gunzipSync(readFileSync(out)).toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('store_id,status,timestamp_utc');
    expect(lines).toHaveLength(summary.polls + 1);
    const rows = lines.slice(1).map((line) => line.split(','));
    const ids = new Set(rows.map(([id]) => id));
    for (const id of ['11', '22', '33', '100', '146']) expect(ids.has(id)).toBe(true);
    expect(ids.size).toBe(50 + 2); // 50 known stores + 4 % without hours or zone
    expect(summary.stores).toBe(52);
    const instants = rows.map(([, , timestamp]) => parseTimestampUtc(timestamp));
    expect(instants.filter((t) => !(t >= us('2023-01-18T00:00:00Z') && t <= us('2023-01-25T18:13:22.479Z')))).toEqual([]);
    expect(instants.filter((t) => t >= us('2023-01-22T17:00:00Z') && t < us('2023-01-24T05:53:00Z'))).toEqual([]);
  });

  it('writes identical files for the same seed, plain text without .gz', async () => {
    await runGenData(stores(['--out', join(dir, 'a.csv'), '--seed', '9', '--scale', '2']));
    await runGenData(stores(['--out', join(dir, 'b.csv'), '--seed', '9', '--scale', '2']));
    const a = readFileSync(join(dir, 'a.csv'));
    expect(a.equals(readFileSync(join(dir, 'b.csv')))).toBe(true);
    expect(a.subarray(0, 30).toString()).toBe('store_id,status,timestamp_utc\n');
  });

  it('writes hours and zones for the added stores of a scaled file, each a copy of a known store', async () => {
    const [out, hoursOut, zonesOut] = ['polls.csv', 'hours.csv.gz', 'zones.csv'].map((name) => join(dir, `out-${name}`));
    await runGenData(stores(['--out', out, '--seed', '3', '--scale', '3', '--hours-out', hoursOut, '--timezones-out', zonesOut]));
    const pollStores = new Set(readFileSync(out, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(',')[0]));
    const hours = gunzipSync(readFileSync(hoursOut)).toString('utf8').replace(/\n$/, '').split('\n');
    const zones = readFileSync(zonesOut, 'utf8').trimEnd().split('\n');
    // The originals first, then two copies of every row (hours: 2 rows; zones: 49 rows).
    expect(hours.slice(0, 3)).toEqual(['\uFEFFstore_id,day,start_time_local,end_time_local\r', '11,0,09:00:00,17:00:00\r', '22,1,00:00:00,23:59:59\r']);
    expect(hours).toHaveLength(3 + 2 * 2);
    expect(zones).toHaveLength(50 + 2 * 49);
    const added = [...hours.slice(3), ...zones.slice(50)].map((line) => line.split(',')[0]);
    for (const id of added) expect(pollStores.has(id)).toBe(true);
    expect(hours.slice(3).map((line) => line.slice(line.indexOf(',')))).toEqual([',0,09:00:00,17:00:00\r', ',1,00:00:00,23:59:59\r', ',0,09:00:00,17:00:00\r', ',1,00:00:00,23:59:59\r']);
    expect(new Set(added).size).toBe(2 * 50); // 2 copies of the 50 known stores, all distinct
  });

  it.each([
    ['a missing store file', (d: string) => ['--hours', join(d, 'nope.csv')], /cannot read .*nope\.csv/],
    ['a file without a store_id header', (d: string) => ['--hours', join(d, 'zones.csv.gz'), '--timezones', join(d, 'bad.csv')], /store_id/],
    ['an output directory that does not exist', (d: string) => ['--out', join(d, 'no', 'such', 'dir.csv')], /cannot write/],
  ])('fails with a clear message on %s', async (_case, extra, message) => {
    writeFileSync(join(dir, 'bad.csv'), 'id,zone\n1,UTC\n');
    const argv = stores(['--out', join(dir, 'out.csv'), ...extra(dir)]);
    await expect(runGenData(argv)).rejects.toThrow(message);
  });
});
