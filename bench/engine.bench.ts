/**
 * `npm run bench:engine`: the CSV command on full-scale generated data (~1.8 M polls, 14 k stores),
 * both methods, against a bare gunzip + line split of the same file (the yardstick: the whole
 * command within 3× of it, peak RSS under 600 MB). Prints seconds, polls per second and peak RSS.
 *
 *   npm run build && npm run bench:engine [-- --runs 3 --scale 1]
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { fullScalePolls, REPO_ROOT, SAMPLE_HOURS, SAMPLE_TIMEZONES } from './full-scale-data';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, scale: { type: 'string', default: '1' } } });
const runs = Number(values.runs);

/** Seconds and line count of decompressing the file and splitting it into lines, nothing more. */
async function bareGunzipAndSplit(path: string): Promise<{ seconds: number; lines: number }> {
  const started = process.hrtime.bigint();
  let lines = 0;
  let tail = '';
  for await (const chunk of createReadStream(path).pipe(createGunzip())) {
    const parts = (tail + (chunk as Buffer).toString('latin1')).split('\n');
    tail = parts.pop() ?? '';
    lines += parts.length;
  }
  if (tail) lines++;
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, lines };
}

function runCommand(polls: string, method: string, out: string): { seconds: number; maxRssMb: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(
    process.execPath,
    ['--require', join(__dirname, 'max-rss.preload.js'), join(REPO_ROOT, 'dist/apps/cli/src/report-csv.js'),
      '--polls', polls, '--hours', SAMPLE_HOURS, '--timezones', SAMPLE_TIMEZONES, '--method', method, '--out', out],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`report:csv failed (${result.status}): ${result.stderr}`);
  const rss = /max-rss-kb (\d+)/.exec(result.stderr);
  return { seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : NaN };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const polls = fullScalePolls({ scale: Number(values.scale) });
  const scratch = mkdtempSync(join(tmpdir(), 'bench-engine-'));
  const bare = [];
  for (let i = 0; i < runs; i++) bare.push(await bareGunzipAndSplit(polls));
  const pollCount = bare[0].lines - 1;
  const bareSeconds = median(bare.map((b) => b.seconds));
  console.log(`data: ${polls} (${pollCount.toLocaleString('en-US')} polls)`);
  console.log(`bare gunzip + line split: ${bareSeconds.toFixed(2)} s (median of ${runs})`);
  for (const method of ['hourly', 'step']) {
    const measured = Array.from({ length: runs }, (_, i) => runCommand(polls, method, join(scratch, `${method}-${i}.csv`)));
    const seconds = median(measured.map((m) => m.seconds));
    const rss = Math.max(...measured.map((m) => m.maxRssMb));
    console.log(
      `report:csv --method ${method}: ${seconds.toFixed(2)} s (median of ${runs}; ${measured.map((m) => m.seconds.toFixed(2)).join(', ')}), ` +
        `${Math.round(pollCount / seconds).toLocaleString('en-US')} polls/s, ${(seconds / bareSeconds).toFixed(1)}× bare, peak RSS ${rss.toFixed(0)} MB`,
    );
  }
}

void main();
