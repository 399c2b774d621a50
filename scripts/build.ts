/**
 * Bundles the Lambdas (and, when present, the frontend) with esbuild into dist/.
 * Usage: tsx scripts/build.ts [--quiet]
 */
import { build, type BuildOptions } from 'esbuild';
import { statSync } from 'node:fs';
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

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const quiet = process.argv.includes('--quiet');
  const started = Date.now();
  const lambdas = await buildLambdas();
  if (!quiet) {
    for (const b of lambdas) console.log(`lambda   ${b.name.padEnd(16)} ${kb(b.bytes).padStart(10)}  ${path.relative(ROOT, b.file)}`);
    console.log(`built in ${Date.now() - started} ms`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
