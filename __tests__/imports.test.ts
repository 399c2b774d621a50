/**
 * The import graph of our own sources: no cycles, and each tier imports only the shared domain
 * module and its own folder (never another tier's folder, nor `scripts/`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const SOURCE_DIRS = ['core', 'stacks', 'lambdas', path.join('ec2-frontend', 'src'), 'scripts'];

function sources(): string[] {
  const files = SOURCE_DIRS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name))),
  );
  return [...files, 'main.ts'];
}

/** Our files a file imports (static and dynamic, type-only imports included: they are still edges to read). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\(\s*)'(\.{1,2}\/[^']+)'/g)].map(
    (m) => m[1] as string,
  );
  return specs.flatMap((spec) => {
    const base = path.join(path.dirname(file), spec);
    const found = [`${base}.ts`, path.join(base, 'index.ts')].find((f) => existsSync(path.join(ROOT, f)));
    return found ? [path.normalize(found)] : [];
  });
}

const graph = new Map(sources().map((f) => [f, importsOf(f)]));

/** Every cycle, each as its files in import order, found by depth-first search. */
function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of graph.get(f) ?? []) {
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g]);
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) if (!state.has(f)) visit(f);
  return found;
}

test('no import cycles among our sources', () => {
  expect(graph.size).toBeGreaterThan(100);
  expect(cycles().map((c) => c.join(' → '))).toEqual([]);
});

/** What each tier may import besides itself: the domain module alone. */
const ALLOWED: Record<string, readonly string[]> = {
  core: ['core'],
  lambdas: ['core', 'lambdas'],
  'ec2-frontend': ['core', 'ec2-frontend'],
  stacks: ['core', 'stacks'],
  'main.ts': ['core', 'stacks'],
};

test("the tiers import the domain module (core/) and their own folder only: never another tier's, nor scripts/", () => {
  const crossings: string[] = [];
  for (const [file, imports] of graph) {
    const allowed = ALLOWED[file.split(path.sep)[0] as string];
    if (!allowed) continue;
    for (const target of imports)
      if (!allowed.includes(target.split(path.sep)[0] as string)) crossings.push(`${file} → ${target}`);
  }
  expect(crossings).toEqual([]);
});
