/**
 * Synth benchmark: wall time (process start to exit, as `npm run synth` pays it, without the
 * build) and peak memory of synthesizing all stacks, median of 5. Run with `npm run bench:synth`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machineFacts, summarize, table, writeResultIfAsked } from './stats';

const RUNS = 5;
const TARGET_S = 2;

export interface SynthBench {
  wallMedianS: number;
  wallMaxS: number;
  peakRssMiB: number;
  stacks: number;
}

/** Synthesizes all stacks RUNS times from `projectDir` (this project, or a CDK Terrain port of it). */
export function benchSynth(projectDir = path.resolve(__dirname, '..', '..'), env: NodeJS.ProcessEnv = {}): SynthBench {
  const walls: number[] = [];
  const rss: number[] = [];
  let stacks = 0;
  for (let i = 0; i < RUNS; i++) {
    const out = mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
    const t = performance.now();
    const res = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(projectDir, 'scripts', 'bench', 'synth-once.ts'), out],
      {
        encoding: 'utf8',
        cwd: projectDir,
        env: { ...process.env, ...env },
      },
    );
    walls.push((performance.now() - t) / 1000);
    if (res.status !== 0) throw new Error(`synth failed: ${res.stderr}`);
    rss.push(JSON.parse(res.stdout).maxRssMiB);
    stacks = readdirSync(path.join(out, 'stacks')).length;
    rmSync(out, { recursive: true, force: true });
  }
  const w = summarize(walls);
  return { wallMedianS: w.p50, wallMaxS: w.max, peakRssMiB: Math.max(...rss), stacks };
}

/** Both toolchains side by side. */
export function synthComparison(rows: [toolchain: string, bench: SynthBench][]): string {
  return table(
    ['toolchain', 'stacks', `wall, median of ${RUNS}`, 'wall, slowest', 'peak RSS'],
    rows.map(([name, r]) => [
      name,
      r.stacks,
      `${r.wallMedianS.toFixed(2)} s`,
      `${r.wallMaxS.toFixed(2)} s`,
      `${r.peakRssMiB.toFixed(0)} MiB`,
    ]),
  );
}

export function synthTable(r: SynthBench): string {
  return table(
    ['stacks', `wall, median of ${RUNS} (≤ ${TARGET_S} s)`, 'wall, slowest', 'peak RSS'],
    [[r.stacks, `${r.wallMedianS.toFixed(2)} s`, `${r.wallMaxS.toFixed(2)} s`, `${r.peakRssMiB.toFixed(0)} MiB`]],
  );
}

if (require.main === module) {
  // `--cdktn <dir>`: also the CDK Terrain port that `npm run check:cdktn -- --keep` left in <dir>/project.
  const i = process.argv.indexOf('--cdktn');
  if (i !== -1 && process.argv[i + 1]) {
    const port = path.join(process.argv[i + 1] as string, 'project');
    console.log(
      synthComparison([
        ['cdktf 0.21.0', benchSynth()],
        ['cdktn 0.24.0', benchSynth(port)],
      ]),
    );
    process.exit(0);
  }
  const r = benchSynth();
  writeResultIfAsked(r);
  console.log(`machine: ${JSON.stringify(machineFacts())}\n`);
  console.log(synthTable(r));
  console.log(r.wallMedianS <= TARGET_S ? '\ntarget met' : '\nTARGET MISSED');
}
