import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const REPO_ROOT = join(__dirname, '..', '..');

/**
 * Specs that run the compiled apps or the compiled compute thread build `dist/` first when it is
 * missing or older than its sources, through scripts/build/ensure-build.sh (the project's one
 * staleness check, also used by `npm test` and `npm start`), so no spec exercises stale JavaScript.
 */
export function ensureBuilt(): void {
  execFileSync('bash', [join(REPO_ROOT, 'scripts', 'build', 'ensure-build.sh')], { cwd: REPO_ROOT, stdio: 'inherit' });
}
