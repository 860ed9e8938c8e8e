import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_HOURS, DEFAULT_SEED, DEFAULT_TIMEZONES, runGenData, type GenDataSummary } from './gen-data';

/**
 * The sample week: polls generated for the committed sample stores (the real 2023 business hours
 * and time zones in data/sample/) with a fixed seed. One definition for every place that uses it:
 * `npm start` loads it into its database, `npm run report:csv -- --sample` computes the same report
 * from files, and docker-compose.yml's `sample-data` job runs gen-data with the same defaults. So
 * the three give byte-identical CSVs. It is gen-data's defaults (which the compose job relies on),
 * named. Paths are relative to the repository root (npm's working directory, and /app in the image).
 */
export const SAMPLE_WEEK = {
  hours: DEFAULT_HOURS,
  timezones: DEFAULT_TIMEZONES,
  seed: DEFAULT_SEED,
} as const;

/**
 * Generates the sample week's polls into a new temporary directory and hands the file to `use`;
 * the directory is removed afterwards, whatever happens (the file is ~38 MB and takes ~1.5 s to
 * make, so it is not worth keeping or invalidating a cache).
 */
export async function withSampleWeekPolls<T>(
  use: (pollsPath: string, summary: GenDataSummary) => Promise<T>,
  options: { seed?: number; log?: (line: string) => void } = {},
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'store-uptime-sample-'));
  try {
    const polls = join(dir, 'polls.csv.gz');
    const argv = ['--out', polls, '--seed', String(options.seed ?? SAMPLE_WEEK.seed), '--hours', SAMPLE_WEEK.hours, '--timezones', SAMPLE_WEEK.timezones];
    const summary = await runGenData(argv, options.log);
    return await use(polls, summary);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
