import { formatInstant, parseDayOfWeek, parseInstant, parseLocalTime, parseStatus, parseTimestampUtc } from './parse';

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
