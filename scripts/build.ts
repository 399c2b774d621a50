/**
 * Bundles the Lambdas (and, when present, the frontend) with esbuild into dist/.
 * Usage: tsx scripts/build.ts [--quiet]
 */
import { build, type BuildOptions } from 'esbuild';
import { cpSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { FUNCTION_NAMES } from '../lambdas/shared/contract';

export const ROOT = path.resolve(__dirname, '..');
export const DIST = path.join(ROOT, 'dist');
/** The Node major the Lambdas and the instances run; the tests run on the same. */
export const NODE_TARGET = 'node22';

export function lambdaBundlePath(name: string): string {
  return path.join(DIST, 'lambdas', name, 'index.js');
}

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: NODE_TARGET,
  format: 'cjs',
  minify: true,
  sourcemap: true,
  legalComments: 'linked',
  logLevel: 'warning',
  // The SDK's ES module builds tree-shake far better than its CommonJS ones.
  mainFields: ['module', 'main'],
};

export async function buildLambdas(): Promise<{ name: string; file: string; bytes: number }[]> {
  return Promise.all(
    FUNCTION_NAMES.map(async (name) => {
      const file = lambdaBundlePath(name);
      await build({
        ...common,
        entryPoints: [path.join(ROOT, 'lambdas', name, 'index.ts')],
        outfile: file,
        // The SDK is bundled, so the deployed version is the tested one.
        external: [],
      });
      return { name, file, bytes: statSync(file).size };
    }),
  );
}

export const FRONTEND_DIST = path.join(DIST, 'frontend');

/** dist/frontend: the server bundle beside its views and static assets, runnable with plain `node server.js`. */
export async function buildFrontend(): Promise<{ file: string; bytes: number }> {
  rmSync(FRONTEND_DIST, { recursive: true, force: true });
  const file = path.join(FRONTEND_DIST, 'server.js');
  await build({ ...common, entryPoints: [path.join(ROOT, 'ec2-frontend', 'src', 'server.ts')], outfile: file });
  for (const dir of ['views', 'public']) cpSync(path.join(ROOT, 'ec2-frontend', dir), path.join(FRONTEND_DIST, dir), { recursive: true });
  return { file, bytes: statSync(file).size };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const started = Date.now();
  const [lambdas, frontend] = await Promise.all([buildLambdas(), buildFrontend()]);
  if (!quiet) {
    for (const b of lambdas) console.log(`lambda   ${b.name.padEnd(16)} ${kb(b.bytes).padStart(10)}  ${path.relative(ROOT, b.file)}`);
    console.log(`frontend ${'server'.padEnd(16)} ${kb(frontend.bytes).padStart(10)}  ${path.relative(ROOT, frontend.file)} (+ views/, public/)`);
    console.log(`built in ${Date.now() - started} ms`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
