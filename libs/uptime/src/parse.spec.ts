import * as aq from 'arquero';
import { parseTimestampUtc } from './parse';

describe('parseTimestampUtc', () => {
  it('reads the real files format', () => {
    expect(parseTimestampUtc('2023-01-22 12:09:39.388884 UTC')).toBe(Date.UTC(2023, 0, 22, 12, 9, 39, 388) * 1000 + 884);
    expect(aq.table({ a: [1] }).numRows()).toBe(1);
  });
});
