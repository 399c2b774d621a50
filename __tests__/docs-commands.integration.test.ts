/**
 * Every `npm run` command the README and the runbook name exists, and every flag they give an ops
 * command is one it accepts: each command line is run as written with one flag nobody accepts
 * added at the end. A flag of the docs that the command does not know is reported before that
 * one (the parser stops at the first unknown flag), and nothing else runs.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../scripts/ops/cli';
import { opsCommand, ROOT } from './helpers/ops';

const DOCS = ['README.md', path.join('docs', 'RUNBOOK.md')];
const SCRIPTS = (
  JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
).scripts;
const SENTINEL = '--no-such-flag-from-the-docs';

interface Use {
  readonly doc: string;
  readonly line: string;
  readonly name: string;
  readonly args: string[];
}

/** `npm run [-s] <name> [-- args]` in code, up to a comment, a closing quote or bracket, or a pipe. */
function commandsIn(doc: string, text: string): Use[] {
  const uses: Use[] = [];
  for (const m of text.matchAll(/npm run(?: -s)? ([a-z][\w:-]*)([^`#|)"\\;&\n]*)/g)) {
    const [line, name = '', rest = ''] = m;
    const tail = rest.trim().startsWith('--') ? rest.trim().slice(2) : '';
    // A placeholder of several words stands for flags the guard printed; one word, for a value.
    const args = tail
      .replace(/<[^>]*\s[^>]*>/g, '')
      .replace(/<[^>]+>/g, 'placeholder')
      .split(/\s+/)
      .filter(Boolean);
    uses.push({ doc, line: line.trim(), name, args });
  }
  return uses;
}

const uses = DOCS.flatMap((doc) => commandsIn(doc, readFileSync(path.join(ROOT, doc), 'utf8')));

test('the docs name npm run commands, and each one exists in package.json', () => {
  expect(uses.length).toBeGreaterThan(30);
  expect(uses.filter((u) => !(u.name in SCRIPTS)).map((u) => `${u.doc}: ${u.line}`)).toEqual([]);
});

/** The ops script a package.json command runs, when it is one. */
const opsScript = (name: string) => /^tsx scripts\/ops\/([\w-]+\.ts)$/.exec(SCRIPTS[name] ?? '')?.[1];

function rejectedFlag(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const [bin, ...rest] = opsCommand(script, [...args, SENTINEL]);
  return new Promise((resolve) => {
    const child = spawn(bin as string, rest, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

test('every flag the docs give an ops command is one it accepts', async () => {
  const distinct = new Map<string, Use>();
  for (const u of uses) if (opsScript(u.name) && u.args.length > 0) distinct.set(`${u.name} ${u.args.join(' ')}`, u);
  expect(distinct.size).toBeGreaterThan(15);
  const queue = [...distinct.values()];
  const problems: string[] = [];
  // Four at a time: each is a Node process that stops at parsing.
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let u = queue.shift(); u; u = queue.shift()) {
        const res = await rejectedFlag(opsScript(u.name) as string, u.args);
        if (res.code !== EXIT.usage || !res.stderr.includes(`unknown option ${SENTINEL}`))
          problems.push(`${u.doc}: "${u.line}": ${res.stderr.split('\n')[0]}`);
      }
    }),
  );
  expect(problems).toEqual([]);
}, 120_000);
