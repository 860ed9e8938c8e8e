import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root (this file runs as dist/bench/*.js). */
export const REPO_ROOT = resolve(__dirname, '../..');
export const SAMPLE_HOURS = join(REPO_ROOT, 'data/sample/menu_hours.csv.gz');
export const SAMPLE_TIMEZONES = join(REPO_ROOT, 'data/sample/timezones.csv.gz');

/**
 * The full-scale generated poll file for the sample stores, made once with `gen:data` and cached
 * outside the repository (~35 MB): `$STORE_UPTIME_CACHE` or `~/.cache/store-uptime`.
 */
export function fullScalePolls(options: { seed?: number; scale?: number } = {}): string {
  const seed = options.seed ?? 1;
  const scale = options.scale ?? 1;
  const directory = process.env.STORE_UPTIME_CACHE ?? join(homedir(), '.cache', 'store-uptime');
  const path = join(directory, `polls-seed${seed}-scale${scale}.csv.gz`);
  if (existsSync(path)) return path;
  mkdirSync(directory, { recursive: true });
  const partial = `${path}.partial-${process.pid}.csv.gz`; // gen:data gzips by the name
  process.stderr.write(`generating ${path} (once) …\n`);
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'dist/apps/cli/src/gen-data.js'), '--out', partial, '--seed', String(seed), '--scale', String(scale)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  renameSync(partial, path);
  return path;
}

export interface FleetFiles {
  polls: string;
  hours: string;
  timezones: string;
}

/**
 * `scale` times the sample fleet: the generated polls and, for the added stores, hours and zones
 * copied from the stores they repeat (gen:data --hours-out/--timezones-out), so each added store is
 * as hard to report as a real one. Made once and cached beside fullScalePolls' file; scale 1 is
 * the sample files themselves.
 */
export function scaledFleet(scale: number, seed = 1): FleetFiles {
  if (scale === 1) return { polls: fullScalePolls({ seed }), hours: SAMPLE_HOURS, timezones: SAMPLE_TIMEZONES };
  const directory = process.env.STORE_UPTIME_CACHE ?? join(homedir(), '.cache', 'store-uptime');
  const name = (kind: string) => join(directory, `${kind}-seed${seed}-scale${scale}-fleet.csv.gz`);
  const files = { polls: name('polls'), hours: name('hours'), timezones: name('timezones') };
  if (Object.values(files).every((path) => existsSync(path))) return files;
  mkdirSync(directory, { recursive: true });
  const partial = (path: string) => `${path}.partial-${process.pid}.csv.gz`; // gen:data gzips by the name
  process.stderr.write(`generating the ${scale}× fleet in ${directory} (once) …\n`);
  execFileSync(
    process.execPath,
    [
      join(REPO_ROOT, 'dist/apps/cli/src/gen-data.js'),
      ...['--out', partial(files.polls), '--hours-out', partial(files.hours), '--timezones-out', partial(files.timezones)],
      ...['--seed', String(seed), '--scale', String(scale)],
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  for (const path of Object.values(files)) renameSync(partial(path), path);
  return files;
}
