import * as uptime from '@store-uptime/uptime';
import { parseTimestampUtc } from '@store-uptime/uptime';
import { MICROS_PER_DAY, MICROS_PER_HOUR, MICROS_PER_SECOND } from './micros';
import { formatPollTimestamp } from './poll-timestamp';
import { createRandom } from './random';

/** The real poll file's format: 0–6 fraction digits, never a trailing zero. */
const POLL_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})? UTC$/;

const at = (iso: string, extraMicros = 0): number => Date.parse(iso) * 1000 + extraMicros;

describe('microsecond units', () => {
  it('are the engine’s', () => {
    expect([MICROS_PER_SECOND, MICROS_PER_HOUR, MICROS_PER_DAY]).toEqual([
      uptime.MICROS_PER_SECOND,
      uptime.MICROS_PER_HOUR,
      uptime.MICROS_PER_DAY,
    ]);
  });
});

describe('formatPollTimestamp', () => {
  it.each([
    ['a full six-digit fraction', at('2023-01-22T12:09:39.388Z', 884), '2023-01-22 12:09:39.388884 UTC'],
    ['a fraction with its trailing zero trimmed', at('2023-01-25T18:13:22.479Z', 220), '2023-01-25 18:13:22.47922 UTC'],
    ['a whole millisecond', at('2023-01-25T18:13:22.479Z'), '2023-01-25 18:13:22.479 UTC'],
    ['a tenth of a second', at('2023-01-18T00:00:00.100Z'), '2023-01-18 00:00:00.1 UTC'],
    ['one microsecond, with its leading zeros kept', at('2023-01-18T00:00:00Z', 1), '2023-01-18 00:00:00.000001 UTC'],
    ['a whole second, with no fraction at all', at('2023-01-24T05:53:00Z'), '2023-01-24 05:53:00 UTC'],
    ['midnight', at('2023-01-19T00:00:00Z'), '2023-01-19 00:00:00 UTC'],
    ['the last microsecond of a day', at('2023-01-31T23:59:59.999Z', 999), '2023-01-31 23:59:59.999999 UTC'],
    ['a leap day', at('2024-02-29T07:05:09.01Z'), '2024-02-29 07:05:09.01 UTC'],
  ])('writes %s', (_case, micros, text) => {
    expect(formatPollTimestamp(micros)).toBe(text);
    expect(text).toMatch(POLL_TIMESTAMP);
  });

  it('round-trips through the engine’s parser for any microsecond', () => {
    const random = createRandom(3);
    const from = at('2023-01-18T00:00:00Z');
    const instants = Array.from({ length: 20_000 }, () => from + Math.floor(random.next() * 8 * 86_400e6));
    const texts = instants.map(formatPollTimestamp);
    expect(texts.filter((text) => !POLL_TIMESTAMP.test(text) || /\.\d*0 UTC$/.test(text))).toEqual([]);
    expect(texts.map(parseTimestampUtc)).toEqual(instants);
  });
});
