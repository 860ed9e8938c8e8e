import { BinaryCopyWriter } from './binary-copy-writer';
import { HOURS_TABLE, IngestSkipReason, MAX_STORE_ID_BYTES, POLLS_TABLE, TIMEZONES_TABLE } from './input-tables';

describe('input tables: store ids the database cannot index', () => {
  const polls = { storeId: 0, status: 1, timestamp: 2 };
  const hours = { storeId: 0, dayOfWeek: 1, start: 2, end: 3 };
  const zones = { storeId: 0, timezone: 1 };
  const longest = 'x'.repeat(MAX_STORE_ID_BYTES);
  const tooLong = `${longest}x`;
  // 342 three-byte characters: short in UTF-16, over the limit in UTF-8.
  const wideTooLong = '€'.repeat(342);

  it.each([
    ['polls', (id: string) => POLLS_TABLE.encode([id, 'active', '2023-01-25 10:00:00 UTC'], polls, new BinaryCopyWriter())],
    ['hours', (id: string) => HOURS_TABLE.encode([id, '1', '09:00:00', '17:00:00'], hours, new BinaryCopyWriter())],
    ['timezones', (id: string) => TIMEZONES_TABLE.encode([id, 'UTC'], zones, new BinaryCopyWriter())],
  ])('%s: skip a store id over MAX_STORE_ID_BYTES (UTF-8), keep one at the limit', (_kind, encode) => {
    expect(encode(longest)).toBeNull();
    expect(encode(tooLong)).toBe(IngestSkipReason.storeIdTooLong);
    expect(encode(wideTooLong)).toBe(IngestSkipReason.storeIdTooLong);
  });
});
