/**
 * The README stays true to the code: every setting `stacks/config.ts` reads is in its
 * configuration table, and every source file is in its layout table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTING_VARIABLES } from '../stacks/config';

const ROOT = path.resolve(__dirname, '..');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

function section(title: string): string {
  const start = README.indexOf(`\n## ${title}`);
  const rest = README.slice(start + 1);
  const end = rest.indexOf('\n## ', 3);
  return end === -1 ? rest : rest.slice(0, end);
}

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|cjs)$/.test(e.name))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

test('every configuration variable is in the configuration table', () => {
  const table = README.slice(README.indexOf('### Configuration'));
  const missing = Object.values(SETTING_VARIABLES).filter((v) => {
    // `STUDENTS_ASG_MIN` / `_DESIRED` / `_MAX` rows name their siblings by a suffix.
    const suffixes = [...v.matchAll(/_/g)].map((m) => v.slice(m.index));
    return ![v, ...suffixes].some((name) => table.includes(`\`${name}\``));
  });
  expect(missing).toEqual([]);
});

test('every file under core/, stacks/, lambdas/, ec2-frontend/src/ and scripts/ is in the layout table', () => {
  const layout = section('Layout');
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
