import { formatInstant, parseDayOfWeek, parseInstant, parseLocalTime, parseStatus, parseTimestampUtc, TimestampReader } from './parse';

const us = (iso: string, micros = 0) => Date.parse(iso) * 1000 + micros;
const time = (h: number, m: number, s: number, micros = 0) => ((h * 60 + m) * 60 + s) * 1e6 + micros;

describe('parseTimestampUtc', () => {
  it.each([
    ['2023-01-22 12:09:39.388884 UTC', us('2023-01-22T12:09:39.388Z', 884)],
    ['2023-01-22 12:09:39 UTC', us('2023-01-22T12:09:39Z')],
    ['2023-01-22 12:09:39.4726 UTC', us('2023-01-22T12:09:39.472Z', 600)],
    ['2023-01-22T12:09:39.123456789Z', us('2023-01-22T12:09:39.123Z', 456)],
    ['2023-01-22 12:09:39+00:00', us('2023-01-22T12:09:39Z')],
    ['1969-12-31 23:59:59.5 UTC', us('1969-12-31T23:59:59.500Z')],
    ['2024-02-29 00:00:00 UTC', us('2024-02-29T00:00:00Z')],
  ])('reads %j', (text, expected) => expect(parseTimestampUtc(text)).toBe(expected));

  it.each(['', 'now', '2023-01-22', '2023-02-29 00:00:00 UTC', '2023-13-01 00:00:00 UTC', '2023-01-22 24:00:00 UTC', '2023-01-22 12:60:00 UTC', '2023-01-22 12:09:39+02:00', '2023-01-22 12:09:39.1234567890 UTC'])(
    'rejects %j',
    (text) => expect(parseTimestampUtc(text)).toBeNaN(),
  );
});

describe('parseInstant (as_of)', () => {
  it.each([
    ['2023-01-25T18:13:22.47922Z', us('2023-01-25T18:13:22.479Z', 220)],
    ['2023-01-25T23:43:22+05:30', us('2023-01-25T18:13:22Z')],
    ['2023-01-25T12:13:22-06:00', us('2023-01-25T18:13:22Z')],
    ['2023-01-25 18:13:22 UTC', us('2023-01-25T18:13:22Z')],
  ])('reads %j', (text, expected) => expect(parseInstant(text)).toBe(expected));

  it.each(['2023-01-25', '2023-01-25T18:13:22+25:00', 'tomorrow'])('rejects %j', (text) => expect(parseInstant(text)).toBeNaN());
});

describe('parseLocalTime', () => {
  it.each([
    ['00:00:00', 0],
    ['23:59:59', time(23, 59, 59)],
    ['09:30', time(9, 30, 0)],
    ['9:30:15', time(9, 30, 15)],
    [' 10:00:00 ', time(10, 0, 0)],
    ['10:00:00.25', time(10, 0, 0, 250_000)],
  ])('reads %j', (text, expected) => expect(parseLocalTime(text)).toBe(expected));

  it.each(['24:00:00', '12:60:00', '12:00:60', 'ab:cd:ef', '1a:00:00', '12-00-00', '', '9am'])('rejects %j', (text) =>
    expect(parseLocalTime(text)).toBeNaN(),
  );
});

describe('parseStatus and parseDayOfWeek', () => {
  it.each([
    ['active', 1],
    [' ACTIVE ', 1],
    ['Inactive', 0],
    ['', -1],
    ['up', -1],
  ])('status %j → %i', (text, expected) => expect(parseStatus(text)).toBe(expected));

  it.each([
    ['0', 0],
    [' 6 ', 6],
    ['7', -1],
    ['-1', -1],
    ['1.0', -1],
    ['', -1],
  ])('day %j → %i', (text, expected) => expect(parseDayOfWeek(text)).toBe(expected));
});

describe('formatInstant', () => {
  it('keeps microseconds', () => expect(formatInstant(us('2023-01-25T18:13:22.479Z', 220))).toBe('2023-01-25T18:13:22.479220Z'));
});

describe('TimestampReader (the fast path for the poll files\' form)', () => {
  const parser = new TimestampReader();
  /** What canonicalInto writes, NaN when it writes nothing; it must say true exactly when it wrote a time. */
  const readCanonical = (bytes: Uint8Array, start: number, end: number): number => {
    const out = Float64Array.of(NaN);
    const written = parser.canonicalInto(bytes, start, end, out, 0);
    expect(written).toBe(!Number.isNaN(out[0]));
    return out[0];
  };

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
  ])('agrees with parseTimestampUtc on %j, from text and from bytes', (text) => {
    expect(Object.is(parser.parse(text), parseTimestampUtc(text))).toBe(true);
    const fast = readCanonical(Buffer.from(`,${text},`), 1, text.length + 1);
    expect(Number.isNaN(fast) || Object.is(fast, parseTimestampUtc(text))).toBe(true);
  });

  it('reads the canonical form from bytes without the general parser, and nothing else', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const canonical = '2023-01-25 18:13:22.47922 UTC';
    expect(readCanonical(bytes(canonical), 0, canonical.length)).toBe(parseTimestampUtc(canonical));
    for (const other of ['2023-01-25T18:13:22.5Z', '2023-01-25 18:13:22.1234567 UTC', '2023-02-29 00:00:00 UTC', ' 2023-01-25 18:13:22 UTC']) {
      expect(readCanonical(bytes(other), 0, other.length)).toBeNaN();
    }
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
      const fast = readCanonical(Buffer.from(text, 'latin1'), 0, text.length);
      if (!Number.isNaN(fast)) expect([text, fast]).toEqual([text, parseTimestampUtc(text)]);
    }
  });
});
