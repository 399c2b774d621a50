/**
 * Bundles the Lambdas and the frontend with esbuild into dist/, then zips each into the
 * reproducible archive the stacks deploy (`dist/lambdas/<fn>.zip`, `dist/frontend.zip`), so
 * synth copies finished files and unchanged sources plan as no change.
 * Usage: tsx scripts/build.ts [--quiet] [--out <dir>]
 */
import { build, type BuildOptions } from 'esbuild';
import { cpSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { FUNCTION_NAMES, NODE_MAJOR } from '../core/contract';
import { DIST, ROOT } from './dist';
import { zipDirectory } from './zip';
import { strictArgs } from './args';

export { DIST, ROOT } from './dist';

/** Where one function's bundle directory lies under a dist folder. */
export function lambdaBundleDir(name: string, distDir = DIST): string {
  return path.join(distDir, 'lambdas', name);
}
export function lambdaBundlePath(name: string, distDir = DIST): string {
  return path.join(lambdaBundleDir(name, distDir), 'index.js');
}
/** The function's deployable archive. */
export function lambdaZipPath(name: string, distDir = DIST): string {
  return `${lambdaBundleDir(name, distDir)}.zip`;
}
export function frontendDir(distDir = DIST): string {
  return path.join(distDir, 'frontend');
}
/** The frontend artifact the instances download. */
export function frontendZipPath(distDir = DIST): string {
  return `${frontendDir(distDir)}.zip`;
}
export const FRONTEND_DIST = frontendDir();

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: `node${NODE_MAJOR}`,
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // The SDK's ES module builds tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
};

export interface Built {
  readonly name: string;
  readonly file: string;
  readonly bytes: number;
  readonly zip: string;
  readonly zipBytes: number;
}

export async function buildLambdas(distDir = DIST): Promise<Built[]> {
  return Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const dir = lambdaBundleDir(name, distDir);
      rmSync(dir, { recursive: true, force: true });
      const file = lambdaBundlePath(name, distDir);
      // The SDK is bundled (no externals), so the deployed version is the tested one.
      await build({ ...common, entryPoints: [path.join(ROOT, 'lambdas', name, 'index.ts')], outfile: file });
      const zip = lambdaZipPath(name, distDir);
      return { name, file, bytes: statSync(file).size, zip, zipBytes: zipDirectory(dir, zip) };
    }),
  );
}

/** dist/frontend: the server bundle beside its views and static assets, runnable with plain `node server.js`. */
export async function buildFrontend(distDir = DIST): Promise<Built> {
  const dir = frontendDir(distDir);
  rmSync(dir, { recursive: true, force: true });
  const file = path.join(dir, 'server.js');
  await build({ ...common, entryPoints: [path.join(ROOT, 'ec2-frontend', 'src', 'server.ts')], outfile: file });
  for (const sub of ['views', 'public'])
    cpSync(path.join(ROOT, 'ec2-frontend', sub), path.join(dir, sub), { recursive: true });
  const zip = frontendZipPath(distDir);
  return { name: 'frontend', file, bytes: statSync(file).size, zip, zipBytes: zipDirectory(dir, zip) };
}

/** Builds everything into `distDir`. */
export async function buildAll(distDir = DIST): Promise<Built[]> {
  const [lambdas, frontend] = await Promise.all([buildLambdas(distDir), buildFrontend(distDir)]);
  return [...lambdas, frontend];
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(argv: readonly string[]): Promise<number> {
  let values: Record<string, unknown>;
  try {
    ({ values } = strictArgs(
      argv,
      { quiet: { type: 'boolean' }, out: { type: 'string' } },
      'usage: tsx scripts/build.ts [--quiet] [--out <dir>]',
    ));
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const quiet = values.quiet === true;
  const out = typeof values.out === 'string' ? path.resolve(values.out) : DIST;
  const started = Date.now();
  const built = await buildAll(out);
  if (!quiet) {
    for (const b of built) {
      console.log(
        `${b.name.padEnd(16)} ${kb(b.bytes).padStart(10)} bundle  ${kb(b.zipBytes).padStart(10)} zip  ${path.relative(ROOT, b.zip)}`,
      );
    }
    console.log(`built in ${Date.now() - started} ms`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
