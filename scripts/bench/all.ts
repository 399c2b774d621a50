/**
 * `npm run bench`: every benchmark in one go (synth, lambdas, frontend, end to end), each in a
 * fresh process so none inherits another's sockets or heap, written to bench/results.md and
 * bench/results.json with the machine's facts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { e2eFailures, e2eTable, type E2eResult } from './e2e';
import { frontendTable, type FrontendBench } from './frontend';
import { lambdaTable, lambdaTargetsMet, type LambdaBenchRow } from './lambdas';
import { machineFacts } from './stats';
import { synthTable, type SynthBench } from './synth';

function run<T>(script: string): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-'));
  const out = path.join(dir, 'result.json');
  try {
    console.log(`running ${script}…`);
    const res = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, script), '--json', out], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    });
    try {
      return JSON.parse(readFileSync(out, 'utf8')) as T;
    } catch {
      throw new Error(`${script} produced no result (exit ${res.status})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  const started = new Date();
  const synth = run<SynthBench>('synth.ts');
  const lambdas = run<LambdaBenchRow[]>('lambdas.ts');
  const frontend = run<FrontendBench>('frontend.ts');
  const e2e = run<E2eResult>('e2e.ts');
  const machine = machineFacts();
  const failures = e2eFailures(e2e);
  const md = [
    `# Benchmark results`,
    '',
    `${started.toISOString()} · ${Object.entries(machine)
      .map(([k, v]) => `${k}: ${v}`)
      .join(' · ')}`,
    '',
    '## Synth (`npm run bench:synth`)',
    synthTable(synth),
    '',
    '## Lambdas (`npm run bench:lambdas`)',
    lambdaTable(lambdas),
    '',
    '## Frontend (`npm run bench:frontend`)',
    frontendTable(frontend),
    '',
    '## End to end (`npm run bench:e2e`): signups through the UI and the API at once, malformed requests mixed in, then a paged read',
    e2eTable(e2e),
    '',
    failures.length === 0 ? 'Nothing accepted was lost; no 5xx.' : `FAILED: ${failures.join('; ')}`,
    lambdaTargetsMet(lambdas) ? 'Lambda targets met.' : 'A Lambda target was missed.',
  ].join('\n');
  const dir = path.resolve(__dirname, '..', '..', 'bench');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'results.md'), `${md}\n`);
  writeFileSync(
    path.join(dir, 'results.json'),
    `${JSON.stringify({ started, machine, synth, lambdas, frontend, e2e }, null, 2)}\n`,
  );
  console.log(`\n${md}\n\nwritten: bench/results.md, bench/results.json`);
  return failures.length === 0 ? 0 : 1;
}

process.exit(main());
