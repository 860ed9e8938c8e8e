import { Readable } from 'node:stream';
import { REPORT_CSV_HEADER } from '@store-uptime/csv';
import type { ReportStorage } from '@store-uptime/storage';
import { ReportSlices } from './report-slices';

/** A storage whose parts arrive after the given delays (ms), recording what was uploaded and which downloads were closed. */
function storageWith(parts: Record<string, { text: string; delayMs: number; fails?: boolean }>) {
  const uploaded = new Map<string, string>();
  const destroyed: string[] = [];
  const started: string[] = [];
  const storage = {
    ensureBucket: async () => undefined,
    upload: async (key: string, body: Readable) => {
      let text = '';
      for await (const chunk of body) text += String(chunk);
      uploaded.set(key, text);
    },
    download: async (key: string) => {
      started.push(key);
      const part = parts[key];
      await new Promise((resolve) => setTimeout(resolve, part.delayMs));
      if (part.fails) throw new Error(`no such key ${key}`);
      const stream = Readable.from([part.text]);
      stream.on('close', () => {
        if (!stream.readableEnded) destroyed.push(key);
      });
      return stream;
    },
  };
  return { slices: new ReportSlices(storage as unknown as ReportStorage), uploaded, destroyed, started };
}

describe('ReportSlices.assemble', () => {
  it('copies the parts in their order behind the header, even when later downloads answer first', async () => {
    const keys = ['p0', 'p1', 'p2', 'p3', 'p4', 'p5'];
    // The first part is the slowest: the others are downloaded ahead meanwhile.
    const { slices, uploaded } = storageWith(Object.fromEntries(keys.map((key, i) => [key, { text: `${key}\n`, delayMs: i === 0 ? 60 : 5 * (6 - i) }])));
    await slices.assemble('whole.csv', keys);
    expect(uploaded.get('whole.csv')).toBe(`${REPORT_CSV_HEADER}p0\np1\np2\np3\np4\np5\n`);
  });

  it('fails with the failing part, and closes the downloads it had started ahead', async () => {
    const { slices, uploaded, destroyed, started } = storageWith({
      p0: { text: 'p0\n', delayMs: 1 },
      p1: { text: '', delayMs: 20, fails: true },
      p2: { text: 'p2\n', delayMs: 1 },
      p3: { text: 'p3\n', delayMs: 1 },
      p4: { text: 'p4\n', delayMs: 1 },
    });
    await expect(slices.assemble('whole.csv', ['p0', 'p1', 'p2', 'p3', 'p4'])).rejects.toThrow('no such key p1');
    expect(uploaded.has('whole.csv')).toBe(false);
    // Parts 2–4 were under way when part 1 failed: none is left open, and nothing after them started.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
    expect(destroyed.sort()).toEqual(['p2', 'p3', 'p4']);
  });
});
