/**
 * The README and docs/ stay true to the code: the configuration table (docs/DEPLOYING.md) is what
 * `npm run docs` renders from the settings' definitions, every source file is in the layout (docs/LAYOUT.md),
 * every relative link resolves, and the README stays a one-sitting read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTable, withSettingsTable } from '../scripts/docs';
import { SETTING_VARIABLES } from '../stacks/config';
import { SETTING_DOCS } from '../stacks/config/settings';

const ROOT = path.resolve(__dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const DEPLOYING = readFileSync(path.join(ROOT, 'docs', 'DEPLOYING.md'), 'utf8');
const LAYOUT = readFileSync(path.join(ROOT, 'docs', 'LAYOUT.md'), 'utf8');

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|cjs)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

test('the configuration table is what npm run docs renders: a row for each variable the configuration reads, once', () => {
  const documented = SETTING_DOCS.map((d) => d.variable);
  expect([...documented].sort()).toEqual([...new Set(Object.values(SETTING_VARIABLES))].sort());
  // Defaults are read from the dev and prod configurations: a changed preset changes the table.
  expect(DEPLOYING).toBe(withSettingsTable(DEPLOYING));
  expect(settingsTable()).toContain('| `STUDENTS_NAT_MODE` | `single` (prod `per-az`) |');
});

test('every file under core/, stacks/, lambdas/, ec2-frontend/src/ and scripts/ is in the layout table', () => {
  const layout = LAYOUT;
  const files = ['core', 'stacks', 'lambdas', path.join('ec2-frontend', 'src'), 'scripts'].flatMap(sources);
  expect(files.length).toBeGreaterThan(40);
  // A file is named by its path, or by its last one or two segments (`index.ts` needs its folder).
  const named = (f: string) => {
    const parts = f.split(path.sep);
    const [last = '', beforeLast = ''] = [parts.at(-1), parts.at(-2)];
    return [f, last === 'index.ts' ? `${beforeLast}/${last}` : last].some((name) => layout.includes(`\`${name}\``));
  };
  expect(files.filter((f) => !named(f))).toEqual([]);
});

test('the README is a one-sitting read, and every relative link in it and in docs/ resolves', () => {
  expect(README.split('\n').length).toBeLessThanOrEqual(250);
  const documents = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `docs/${f}`),
  ];
  const broken: string[] = [];
  for (const doc of documents) {
    const text = readFileSync(path.join(ROOT, doc), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
      if (/^[a-z]+:/.test(target as string)) continue;
      if (!existsSync(path.join(ROOT, path.dirname(doc), target as string))) broken.push(`${doc} → ${target}`);
    }
  }
  expect(broken).toEqual([]);
});
