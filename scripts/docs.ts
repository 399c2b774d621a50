/**
 * `npm run docs`: writes what the documents show of the code from the code itself: the
 * configuration table of docs/DEPLOYING.md, rendered from `stacks/config/settings.ts` with the
 * defaults of the `dev` and `prod` configurations, and the list of source files in
 * docs/LAYOUT.md, each with the first sentence of its own doc comment. A unit test fails while
 * either document differs.
 *
 *   npm run docs
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../stacks/config';
import { SETTING_DOCS } from '../stacks/config/settings';
import { strictArgs } from './args';
import { ROOT } from './dist';

export const DEPLOYING = path.join(ROOT, 'docs', 'DEPLOYING.md');
export const LAYOUT = path.join(ROOT, 'docs', 'LAYOUT.md');
const SETTINGS_MARKERS = [
  '<!-- The configuration table: written by `npm run docs` from stacks/config/settings.ts. -->',
  '<!-- End of the configuration table. -->',
] as const;
const LAYOUT_MARKERS = [
  "<!-- The source files: written by `npm run docs` from each file's doc comment. -->",
  '<!-- End of the source files. -->',
] as const;
/** Where the sources of the tiers, the stacks and the scripts live. */
const SOURCE_ROOTS = ['main.ts', 'core', 'stacks', 'lambdas', path.join('ec2-frontend', 'src'), 'scripts'];

/** Replaces what lies between two marker lines of a document. */
function between(doc: string, [start, end]: readonly [string, string], content: string, file: string): string {
  const from = doc.indexOf(start);
  const to = doc.indexOf(end);
  if (from === -1 || to < from) throw new Error(`${file} has no markers "${start}" … "${end}"`);
  return `${doc.slice(0, from + start.length)}\n${content}\n${doc.slice(to)}`;
}

/** Every source file under the source roots, as a path from the project root, in order. */
export function sourceFiles(): string[] {
  return SOURCE_ROOTS.flatMap((root) =>
    root.endsWith('.ts')
      ? [root]
      : readdirSync(path.join(ROOT, root), { withFileTypes: true, recursive: true })
          .filter((e) => e.isFile() && /\.(ts|cjs)$/.test(e.name))
          .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name))),
  ).sort();
}

const lines = (block: string) =>
  block
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * What a file is, in the first sentence of its doc comment: the comment that opens the file (or
 * its opening `//` lines), else the one on its exported class. Empty when it has neither.
 */
export function summaryOf(text: string): string {
  const start = text.replace(/^(?:'use strict';\s*|\/\/ biome-ignore[^\n]*\n\s*)*/, '');
  const header = /^\/\*\*([\s\S]*?)\*\//.exec(start);
  const slashes = /^(?:\/\/[^\n]*\n)+/.exec(start);
  const exported = /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export (?:default )?class /.exec(text);
  const body = header
    ? lines(header[1] as string)
    : slashes
      ? lines(slashes[0].replace(/^\/\/ ?/gm, ''))
      : exported
        ? lines(exported[1] as string)
        : '';
  return /^(.+?[.!?])(?=\s|$)/.exec(body)?.[1] ?? body;
}

/** The source files, each with what it is, as a Markdown table. */
export function layoutTable(): string {
  const rows = sourceFiles().map((f) => {
    const summary = summaryOf(readFileSync(path.join(ROOT, f), 'utf8'));
    return `| \`${f.split(path.sep).join('/')}\` | ${summary.replaceAll('|', '\\|')} |`;
  });
  return ['| file | what it is |', '| --- | --- |', ...rows].join('\n');
}

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
  return between(doc, SETTINGS_MARKERS, settingsTable(), DEPLOYING);
}

/** The layout document with its list of source files rendered anew between the markers. */
export function withLayoutTable(doc: string): string {
  return between(doc, LAYOUT_MARKERS, layoutTable(), LAYOUT);
}

if (require.main === module) {
  strictArgs(process.argv.slice(2), {}, 'usage: npm run docs');
  for (const [file, render] of [
    [DEPLOYING, withSettingsTable],
    [LAYOUT, withLayoutTable],
  ] as const) {
    const before = readFileSync(file, 'utf8');
    const after = render(before);
    if (after !== before) writeFileSync(file, after);
    console.log(`docs: ${path.relative(ROOT, file)} ${after === before ? 'up to date' : 'written'}`);
  }
}
