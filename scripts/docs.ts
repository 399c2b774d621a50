/**
 * `npm run docs`: writes what the documents show of the code from the code itself. Today that is
 * the configuration table of docs/DEPLOYING.md, rendered from `stacks/config/settings.ts` with the
 * defaults of the `dev` and `prod` configurations. A unit test fails while the document differs.
 *
 *   npm run docs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../stacks/config';
import { SETTING_DOCS } from '../stacks/config/settings';
import { strictArgs } from './args';
import { ROOT } from './dist';

export const DEPLOYING = path.join(ROOT, 'docs', 'DEPLOYING.md');
const START = '<!-- The configuration table: written by `npm run docs` from stacks/config/settings.ts. -->';
const END = '<!-- End of the configuration table. -->';

/** The configuration table, as Markdown. */
export function settingsTable(): string {
  const dev = loadConfig({});
  // Any account: prod refuses to load without one, and the table shows none of it.
  const prod = loadConfig({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' });
  const rows = SETTING_DOCS.map((s) => {
    const fallback = typeof s.default === 'string' ? s.default : s.default(dev, prod);
    return `| \`${s.variable}\` | ${fallback} | ${s.meaning} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The document with its configuration table rendered anew between the markers. */
export function withSettingsTable(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${DEPLOYING} has no configuration table markers`);
  return `${doc.slice(0, start + START.length)}\n${settingsTable()}\n${doc.slice(end)}`;
}

if (require.main === module) {
  strictArgs(process.argv.slice(2), {}, 'usage: npm run docs');
  const before = readFileSync(DEPLOYING, 'utf8');
  const after = withSettingsTable(before);
  if (after !== before) writeFileSync(DEPLOYING, after);
  console.log(after === before ? 'docs: up to date' : `docs: wrote ${path.relative(ROOT, DEPLOYING)}`);
}
