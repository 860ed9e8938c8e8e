import { parseTimestampUtc } from '@store-uptime/uptime';
import { TimestampParser } from './timestamp-parser';

describe('TimestampParser', () => {
  const parser = new TimestampParser();

  it.each([
    '2023-01-25 18:13:22.47922 UTC',
    '2023-01-18 00:01:29.4726 UTC',
    '2024-10-03 23:33:20.412748 UTC',
    '2023-01-25 18:13:22 UTC',
    '2023-01-25 18:13:22.1 UTC',
    '2024-02-29 23:59:59.999999 UTC',
    '2023-02-29 00:00:00 UTC', // no such date
    '2023-13-01 00:00:00 UTC',
    '2023-00-10 00:00:00 UTC',
    '2023-04-31 00:00:00 UTC',
    '2023-01-25 24:00:00 UTC',
    '2023-01-25 23:60:00 UTC',
    '2023-01-25 23:59:60 UTC',
    '2023-0x-25 18:13:22 UTC',
    '2023-01-25 18:13:2x UTC',
    '2023-01-25 18:13:22. UTC',
    '2023-01-25 18:13:22.1234567 UTC', // 7 digits: the slow path truncates
    '2023-01-25 18:13:22.12a UTC',
    '2023-01-25 18:13:22,5 UTC',
    '2023-01-25T18:13:22.5Z',
    '2023-01-25 18:13:22.5 utc',
    ' 2023-01-25 18:13:22.5 UTC ',
    '2023-01-25 18:13:22.5',
    '0000-01-01 00:00:00 UTC',
    '1969-12-31 23:59:59.999999 UTC',
    '',
    'yesterday',
  ])('agrees with parseTimestampUtc on %j', (text) => {
    expect(Object.is(parser.parse(text), parseTimestampUtc(text))).toBe(true);
  });

  it('agrees with parseTimestampUtc on random canonical-looking timestamps', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pad = (value: number, width: number) => String(value).padStart(width, '0');
    for (let i = 0; i < 20_000; i++) {
      const fraction = random(8) === 0 ? '' : `.${pad(random(1_000_000), 6).slice(0, 1 + random(6))}`;
      const text =
        `${pad(1960 + random(80), 4)}-${pad(random(14), 2)}-${pad(random(33), 2)} ` +
        `${pad(random(26), 2)}:${pad(random(62), 2)}:${pad(random(62), 2)}${fraction} UTC`;
      expect([text, parser.parse(text)]).toEqual([text, parseTimestampUtc(text)]);
    }
  });
});
