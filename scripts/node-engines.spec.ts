import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as semver from 'semver';

/**
 * The Node versions the project says it runs on (package.json `engines.node`, and the README) are
 * ones every installed package accepts: a dependency that declares a narrower range (nestjs-pino 5
 * wants 22.12+, typeorm skips 21 and early 22) would make the promise untrue. Walks the installed
 * tree, nested copies included; `npm ci` installs exactly the lock, so this is the lock's tree.
 */

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const ours = manifest.engines.node;

interface Installed {
  name: string;
  version: string;
  node: string;
}

function installed(modules: string, found: Installed[] = []): Installed[] {
  if (!existsSync(modules)) return found;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((name) => join(modules, entry, name)) : [join(modules, entry)];
    for (const dir of dirs) {
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; engines?: { node?: unknown } };
      if (typeof pkg.engines?.node === 'string') found.push({ name: pkg.name, version: pkg.version, node: pkg.engines.node });
      installed(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

describe('Node versions', () => {
  it('are ones every installed package accepts', () => {
    const packages = installed(join(ROOT, 'node_modules'));
    expect(packages.length).toBeGreaterThan(100);
    const refusing = packages.filter((pkg) => !semver.subset(ours, pkg.node)).map((pkg) => `${pkg.name}@${pkg.version} wants node ${pkg.node}`);
    expect(refusing).toEqual([]);
  });

  it('include the one running these tests', () => {
    expect(semver.satisfies(process.version, ours)).toBe(true);
  });

  it('are the ones the README states', () => {
    // "^20.19.0 || ^22.13.0 || >=24.11.0" reads "20.19+, 22.13+ or 24.11+".
    const minimums = new semver.Range(ours).set.map((comparators) => semver.minVersion(comparators.map((c) => c.value).join(' '))!);
    const stated = minimums.map((v) => `${v.major}.${v.minor}+`);
    const text = stated.length > 1 ? `${stated.slice(0, -1).join(', ')} or ${stated.at(-1)}` : stated[0];
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`Node.js ${text}`);
  });
});
