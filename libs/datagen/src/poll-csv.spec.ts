import { parseStatus, parseTimestampUtc } from '@store-uptime/uptime';
import { pollCsvChunks, POLL_CSV_HEADER } from './poll-csv';
import type { GeneratedPolls } from './poll-generator';
import { formatPollTimestamp } from './poll-timestamp';
import { createRandom } from './random';

const POLL_TIMESTAMP = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})? UTC$/;

function randomPolls(length: number, seed = 1): GeneratedPolls {
  const random = createRandom(seed);
  const storeIds = ['1481966498820158979', '8139926242460185114', '7', 'ünïcode'];
  const from = Date.parse('2023-01-18T00:00:00Z') * 1000;
  const polls: GeneratedPolls = {
    storeIds,
    storeIndex: new Uint32Array(length),
    timestampUs: new Float64Array(length),
    active: new Uint8Array(length),
    length,
  };
  for (let i = 0; i < length; i++) {
    polls.storeIndex[i] = random.int(storeIds.length);
    const micros = from + Math.floor(random.next() * 8 * 86_400e6);
    // A share of rows on whole seconds and milliseconds, to exercise the trimmed fractions.
    const kind = random.next();
    polls.timestampUs[i] = kind < 0.1 ? micros - (micros % 1e6) : kind < 0.2 ? micros - (micros % 1000) : micros;
    polls.active[i] = random.next() < 0.8 ? 1 : 0;
  }
  return polls;
}

describe('pollCsvChunks', () => {
  it('writes the header, then one row per poll in column order with a final newline', () => {
    const polls = randomPolls(5000);
    const text = Buffer.concat([...pollCsvChunks(polls, 4096)]).toString('utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines[0]).toBe(POLL_CSV_HEADER);
    expect(lines).toHaveLength(polls.length + 1);
    // Compared as whole arrays: one expect per row would dominate the run time.
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.filter((fields) => fields.length !== 3)).toEqual([]);
    expect(rows.map(([storeId]) => storeId)).toEqual(Array.from(polls.storeIndex, (s) => polls.storeIds[s]));
    expect(rows.map(([, status]) => parseStatus(status))).toEqual(Array.from(polls.active));
    expect(rows.filter(([, , timestamp]) => !POLL_TIMESTAMP.test(timestamp))).toEqual([]);
    expect(rows.map(([, , timestamp]) => timestamp)).toEqual(Array.from(polls.timestampUs, formatPollTimestamp));
    expect(rows.map(([, , timestamp]) => parseTimestampUtc(timestamp))).toEqual(Array.from(polls.timestampUs));
  });

  it('cuts the file into chunks no larger than asked, whole rows each', () => {
    const chunks = [...pollCsvChunks(randomPolls(3000), 2048)];
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(2048);
      expect(chunk[chunk.length - 1]).toBe(0x0a);
    }
  });

  it('writes only the header when there are no polls', () => {
    expect(Buffer.concat([...pollCsvChunks(randomPolls(0))]).toString()).toBe(`${POLL_CSV_HEADER}\n`);
  });
});
