/**
 * The README and docs/ stay true to the code: the configuration table (docs/DEPLOYING.md) is what
 * `npm run docs` renders from the settings' definitions, the list of source files (docs/LAYOUT.md) is
 * what it renders from the tree and each file's doc comment,
 * every relative link resolves, and the README stays a one-sitting read.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { settingsTable, sourceFiles, summaryOf, withLayoutTable, withSettingsTable } from '../scripts/docs';
import { SETTING_VARIABLES } from '../stacks/config';
import { SETTING_DOCS } from '../stacks/config/settings';

const ROOT = path.resolve(__dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const DEPLOYING = readFileSync(path.join(ROOT, 'docs', 'DEPLOYING.md'), 'utf8');
const LAYOUT = readFileSync(path.join(ROOT, 'docs', 'LAYOUT.md'), 'utf8');

test('the configuration table is what npm run docs renders: a row for each variable the configuration reads, once', () => {
  const documented = SETTING_DOCS.map((d) => d.variable);
  expect([...documented].sort()).toEqual([...new Set(Object.values(SETTING_VARIABLES))].sort());
  // Defaults are read from the dev and prod configurations: a changed preset changes the table.
  expect(DEPLOYING).toBe(withSettingsTable(DEPLOYING));
  expect(settingsTable()).toContain('| `STUDENTS_NAT_MODE` | `single` (prod `per-az`) |');
});

test('the layout lists every source file under core/, stacks/, lambdas/, ec2-frontend/src/ and scripts/, each with its own doc comment', () => {
  const files = sourceFiles();
  expect(files.length).toBeGreaterThan(100);
  expect(files).toContain(path.join('ec2-frontend', 'src', 'types', 'ejs.d.ts'));
  // A file says what it is in a comment of its own; the layout is written from those comments.
  const undocumented = files.filter((f) => summaryOf(readFileSync(path.join(ROOT, f), 'utf8')) === '');
  expect(undocumented).toEqual([]);
  expect(LAYOUT).toBe(withLayoutTable(LAYOUT));
  expect(summaryOf("'use strict';\n// Runs a thing. More.\nrequire('x');")).toBe('Runs a thing.');
  expect(
    summaryOf('import x from "y";\n/** Props. */\nexport interface P {}\n/** The thing. */\nexport class T {}'),
  ).toBe('The thing.');
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
