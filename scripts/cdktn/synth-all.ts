/**
 * Synthesizes every documented configuration into `<outdir>/<configuration>/` and writes nothing
 * else; `npm run check:cdktn` runs it under both toolchains and compares what they wrote.
 *   tsx scripts/cdktn/synth-all.ts <outdir>
 */
import path from 'node:path';
import { buildApp } from '../../main';
import { loadConfig } from '../../stacks/config';
import { CONFIGURATIONS } from '../terraform/configurations';
import { DIST } from '../dist';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: tsx scripts/cdktn/synth-all.ts <outdir>');
  process.exit(2);
}
for (const c of CONFIGURATIONS)
  buildApp(loadConfig(c.env), { outdir: path.join(outdir, c.name), distDir: DIST }).app.synth();
