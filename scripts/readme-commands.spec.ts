import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A newcomer finds every command in README.md's command table: adding a script means documenting it. */
describe('README.md', () => {
  const root = join(__dirname, '..');
  const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.slice(readme.indexOf('## Commands'));

  it.each(scripts)('lists npm run %s in its command table', (name) => {
    const forms = [`npm run ${name}`, ...(name === 'test' || name === 'start' ? [`npm ${name}`] : [])];
    expect(forms.some((form) => new RegExp(`\\\`${form.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\\`| )`).test(table))).toBe(true);
  });
});
