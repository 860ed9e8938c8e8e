import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { InputFileError, readCsvBatches, readHoursFile, readPollsFile, readTimezonesFile } from './index';

const FIXTURES = join(__dirname, '../../../test/fixtures/data');
const fixture = (name: string) => join(FIXTURES, name);
const scratch = mkdtempSync(join(tmpdir(), 'csv-spec-'));
let fileCount = 0;
/** Writes `content` to a fresh file (gzipped when the name ends in .gz) and returns its path. */
function file(content: string | Buffer, name = `f${fileCount++}.csv`): string {
  const path = join(scratch, `${fileCount++}-${name}`);
  writeFileSync(path, name.endsWith('.gz') ? gzipSync(content) : content);
  return path;
}
const us = (iso: string, micros = 0) => Date.parse(iso) * 1000 + micros;

describe('readPollsFile on slices of the real files', () => {
  it('reads the 2023 export (gzip, LF, 1–6 fraction digits)', async () => {
    const read = await readPollsFile(fixture('store_status_2023.head.csv.gz'));
    expect(read.rowsRead).toBe(300);
    expect(read.skipped).toEqual({});
    expect(read.columns.store_id.at(0)).toBe('8419537941919820732');
    expect(read.columns.is_active[0]).toBe(1);
    expect(read.columns.timestamp_us[0]).toBe(us('2023-01-22T12:09:39.388Z', 884));
    expect(read.columns.timestamp_us[299]).toBe(us('2023-01-25T16:05:27.034Z', 314));
  });

  it('reads the alternative 2023 export, which has no final newline', async () => {
    const read = await readPollsFile(fixture('store_status_2023_alt.tail.csv'));
    expect(read.rowsRead).toBe(103);
    expect(read.columns.store_id.at(-1)).toBe('7914250985745791595');
    expect(read.columns.timestamp_us.at(-1)).toBe(us('2023-01-19T10:29:49.942Z', 863));
  });

  it('reads the 2024 export, which starts with a UTF-8 byte-order mark', async () => {
    const read = await readPollsFile(fixture('store_status_2024.head.csv'));
    expect(read.rowsRead).toBe(100);
    expect(read.skipped).toEqual({});
    expect(read.columns.store_id.at(0)).toBe('b5d0a65d-6d54-47aa-95e9-9312f0353326');
    expect(read.columns.timestamp_us[0]).toBe(us('2024-10-03T23:33:20.412Z', 748));
  });
});

describe('readPollsFile on every valid form of a row', () => {
  it.each([
    ['2023-01-22 12:09:39 UTC', us('2023-01-22T12:09:39Z')],
    ['2023-01-22 12:09:39.3 UTC', us('2023-01-22T12:09:39.300Z')],
    ['2023-01-22 12:09:39.38 UTC', us('2023-01-22T12:09:39.380Z')],
    ['2023-01-22 12:09:39.4726 UTC', us('2023-01-22T12:09:39.472Z', 600)],
    ['2023-01-22 12:09:39.388884 UTC', us('2023-01-22T12:09:39.388Z', 884)],
    ['2023-01-22T12:09:39.388884Z', us('2023-01-22T12:09:39.388Z', 884)],
    ['2024-02-29 00:00:00 UTC', us('2024-02-29T00:00:00Z')],
    [' 2023-01-22 12:09:39 utc ', us('2023-01-22T12:09:39Z')],
  ])('reads the timestamp %j', async (text, expected) => {
    const read = await readPollsFile(file(`store_id,status,timestamp_utc\ns1,active,${text}\n`));
    expect(read.skipped).toEqual({});
    expect(read.columns.timestamp_us[0]).toBe(expected);
  });

  it('reads quoted fields, doubled quotes, line breaks inside quotes, CRLF and any status case', async () => {
    const csv =
      'timestamp_utc,store_id,status\r\n' +
      '"2023-01-22 12:00:00 UTC","s,1"," Active "\r\n' +
      '2023-01-22 13:00:00 UTC,"s ""2""",INACTIVE\r\n' +
      '2023-01-22 14:00:00 UTC,"s\n3",active';
    const read = await readPollsFile(file(csv));
    expect(read.rowsRead).toBe(3);
    expect(Array.from(read.columns.store_id)).toEqual(['s,1', 's "2"', 's\n3']);
    expect(Array.from(read.columns.is_active)).toEqual([1, 0, 1]);
    expect(read.columns.timestamp_us[2]).toBe(us('2023-01-22T14:00:00Z'));
  });

  it('trims store ids the same way on every path, so " 42 ", "42" and "\\u00a042" are one store', async () => {
    const csv = [
      'store_id,status,timestamp_utc',
      ' 42 ,active,2023-01-22 12:00:00 UTC',
      '42,active,2023-01-22 13:00:00 UTC',
      '"\t42""",active,2023-01-22 14:00:00 UTC',
      '\u00a042,active,2023-01-22 15:00:00 UTC',
    ].join('\n');
    const read = await readPollsFile(file(csv));
    expect(Array.from(read.columns.store_id)).toEqual(['42', '42', '42"', '42']);
  });

  it('skips and counts each kind of bad row, with its line number, and keeps the good ones', async () => {
    const csv = [
      'store_id,status,timestamp_utc',
      's1,active,2023-01-22 12:00:00 UTC', // line 2: good
      ',active,2023-01-22 12:00:00 UTC', // 3: empty store id
      '  ,active,2023-01-22 12:00:00 UTC', // 4: empty store id after trim
      's1,unknown,2023-01-22 12:00:00 UTC', // 5: bad status
      's1,active,2023-02-30 12:00:00 UTC', // 6: impossible date
      's1,active,2023-01-22 24:00:00 UTC', // 7: impossible time
      's1,active,yesterday', // 8: unparsable
      's1,active,2023-01-22 12:00:00 UTC,extra', // 9: wrong field count
      's1,active', // 10: wrong field count
      '',
      's2,inactive,2023-01-22 12:30:00 UTC', // 12: good (the blank line 11 is not a row)
    ].join('\n');
    const read = await readPollsFile(file(csv));
    expect(read.rowsRead).toBe(10);
    expect(read.skipped).toEqual({ empty_store_id: 2, bad_status: 1, bad_timestamp: 3, wrong_field_count: 2 });
    expect(read.firstSkips.map((s) => [s.line, s.reason])).toEqual([
      [3, 'empty_store_id'],
      [4, 'empty_store_id'],
      [5, 'bad_status'],
      [6, 'bad_timestamp'],
      [7, 'bad_timestamp'],
      [8, 'bad_timestamp'],
      [9, 'wrong_field_count'],
      [10, 'wrong_field_count'],
    ]);
    expect(read.firstSkips[2].text).toBe('s1,unknown,2023-01-22 12:00:00 UTC');
    expect(Array.from(read.columns.store_id)).toEqual(['s1', 's2']);
  });

  it('keeps every good row in file order, with its own status and time, across many batches of lookups', async () => {
    const expected: [string, number, number][] = [];
    const lines = ['store_id,status,timestamp_utc'];
    for (let i = 0; i < 3_000; i++) {
      const id = `s${(i * 7919) % 1_009}`;
      const time = us('2023-01-22T00:00:00Z') + i * 1_000_000;
      const stamp = new Date(time / 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
      if (i % 11 === 5) lines.push(`${id},maybe,${stamp}`); // bad status: skipped, after its id was read
      else if (i % 13 === 7) lines.push(`${id},active,never`); // bad time: skipped likewise
      else if (i % 17 === 3) lines.push(`  ,active,${stamp}`); // empty id
      else {
        lines.push(i % 5 === 0 ? `"${id}",${i % 2 ? 'active' : 'inactive'},${stamp}` : `${id},${i % 2 ? 'active' : 'inactive'},${stamp}`);
        expected.push([id, i % 2, time]);
      }
    }
    const read = await readPollsFile(file(lines.join('\n')));
    const { store_id, is_active, timestamp_us } = read.columns;
    expect(Array.from(store_id, (id, row) => [id, is_active[row], timestamp_us[row]])).toEqual(expected);
  });

  it('reads the same rows whatever the chunking (records split across chunk boundaries)', async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `"id ""${i % 97}""\n",${i % 3 ? 'active' : 'inactive'},2023-01-2${i % 8} 1${i % 10}:0${i % 6}:00.${i % 999_999} UTC`);
    const read = await readPollsFile(file(`store_id,status,timestamp_utc\r\n${rows.join('\r\n')}`, 'big.csv.gz'));
    expect(read.rowsRead).toBe(40_000);
    expect(read.skipped).toEqual({});
    expect(new Set(read.columns.store_id).size).toBe(97);
    // Trimmed like every store id: the line break inside the quotes is trailing white space.
    expect(read.columns.store_id.at(39_999)).toBe(`id "${39_999 % 97}"`);
  });
});

describe('readHoursFile and readTimezonesFile', () => {
  it('reads the 2024 hours (dayOfWeek, no final newline)', async () => {
    const read = await readHoursFile(fixture('menu_hours_2024.tail.csv'));
    expect(read.rowsRead).toBe(70);
    expect(read.skipped).toEqual({});
    expect(read.columns.store_id.at(-1)).toBe('e496f3e3-9cb1-42c2-a175-a52ddda39e02');
    expect(read.columns.day_of_week.at(-1)).toBe(5);
    expect(read.columns.start_time_us.at(-1)).toBe(10 * 3600e6);
    expect(read.columns.end_time_us.at(-1)).toBe((23 * 3600 + 59 * 60 + 59) * 1e6);
  });

  it('reads the 2023 column name "day" and skips bad days and times', async () => {
    const csv = 'store_id,day,start_time_local,end_time_local\ns,0,09:00:00,17:00:00\ns,7,09:00:00,17:00:00\ns,-1,09:00:00,17:00:00\ns,1,9am,17:00:00\ns,2,09:00:00,24:00:00\n,3,09:00:00,17:00:00\n';
    const read = await readHoursFile(file(csv));
    expect(read.skipped).toEqual({ bad_day_of_week: 2, bad_time: 2, empty_store_id: 1 });
    expect(Array.from(read.columns.day_of_week)).toEqual([0]);
  });

  it('reads the 2024 time zones (no final newline) and keeps names as given', async () => {
    const read = await readTimezonesFile(fixture('timezones_2024.tail.csv'));
    expect(read.rowsRead).toBe(45);
    const zones = await readTimezonesFile(file('store_id,timezone_str\na, Not/AZone \nb,\n'));
    expect(zones.columns).toEqual({ store_id: ['a', 'b'], timezone_str: ['Not/AZone', ''] });
  });
});

describe('files that cannot be read', () => {
  it.each([
    ['a missing file', () => join(scratch, 'nope.csv'), /nope\.csv: no such file/],
    ['an empty file', () => file(''), /empty file/],
    ['a header without a needed column', () => file('store_id,state,timestamp_utc\n'), /unreadable header .*missing column status/],
    ['binary junk', () => file(Buffer.from([0, 1, 2, 3, 255, 254, 10, 0, 1])), /unreadable header/],
    ['a broken gzip file', () => file(Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.alloc(40, 7)])), /not a valid gzip file/],
  ])('rejects %s with one clear InputFileError', async (_name, path, message) => {
    const attempt = readPollsFile(path());
    await expect(attempt).rejects.toBeInstanceOf(InputFileError);
    await expect(readPollsFile(path())).rejects.toThrow(message);
  });
});

describe('readCsvBatches', () => {
  it('yields the header and every record with its line number', async () => {
    const batches = [];
    for await (const batch of readCsvBatches(file('a,b\n1,"x\ny"\n2,z'))) batches.push(batch);
    // The last record has no final newline, so it only completes at the end (a batch of its own).
    expect(batches.every((batch) => batch.header.join() === 'a,b')).toBe(true);
    expect(batches.flatMap((batch) => batch.records)).toEqual([['1', 'x\ny'], ['2', 'z']]);
    expect(batches.flatMap((batch) => batch.lineNumbers)).toEqual([2, 4]);
  });

  it('yields one empty batch for a header-only file, so the header can be checked', async () => {
    const batches = [];
    for await (const batch of readCsvBatches(file('a,b\n'))) batches.push(batch);
    expect(batches).toEqual([{ header: ['a', 'b'], records: [], lineNumbers: [] }]);
  });
});
