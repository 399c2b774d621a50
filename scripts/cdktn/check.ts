/**
 * `npm run check:cdktn`: proves the project is a rename away from CDK Terrain, the maintained
 * fork of CDK for Terraform. In a temporary copy (never the working tree) it applies the port
 * (imports, packages, the CLI constant), installs the fork, type-checks, runs the synth, policy
 * and monitoring suites, synthesizes every documented configuration under both toolchains and
 * compares each stack's JSON (differences other than the provider's version and source and
 * cdktf's metadata fail the check), and validates the ported stacks with real Terraform.
 *   npm run check:cdktn -- [--keep]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchSynth, synthComparison } from '../bench/synth';
import { buildAll } from '../build';
import { ROOT } from '../dist';
import { CONFIGURATIONS } from '../terraform/configurations';
import { compareStacks } from './compare';
import { portCliConstant, portPackageJson, portSource } from './port';

function step(title: string, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): void {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const res = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env } });
  if (res.status !== 0) throw new Error(`${title} failed (exit ${res.status ?? res.signal})`);
  console.log(`--- ${title}: ok in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The project's files as git sees them (tracked, and new ones it does not ignore). */
function projectFiles(): string[] {
  const res = spawnSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error('git ls-files failed: check:cdktn works on a git checkout');
  return res.stdout.split('\0').filter(Boolean);
}

export function applyPort(dir: string, files: readonly string[]): number {
  let changed = 0;
  for (const file of files) {
    if (!file.endsWith('.ts')) continue;
    const full = path.join(dir, file);
    const text = readFileSync(full, 'utf8');
    const ported = file === path.join('scripts', 'cdk-cli.ts') ? portCliConstant(portSource(text)) : portSource(text);
    if (ported !== text) {
      writeFileSync(full, ported);
      changed++;
    }
  }
  const pkgFile = path.join(dir, 'package.json');
  writeFileSync(pkgFile, `${JSON.stringify(portPackageJson(JSON.parse(readFileSync(pkgFile, 'utf8'))), null, 2)}\n`);
  // The fork's packages resolve afresh; the lock file is cdktf's.
  rmSync(path.join(dir, 'package-lock.json'), { force: true });
  return changed;
}

function readStacks(dir: string): Record<string, Record<string, unknown>> {
  const stacks = path.join(dir, 'stacks');
  return Object.fromEntries(
    readdirSync(stacks).map((s) => [s, JSON.parse(readFileSync(path.join(stacks, s, 'cdk.tf.json'), 'utf8'))]),
  );
}

async function main(): Promise<number> {
  const keep = process.argv.includes('--keep');
  const unknown = process.argv.slice(2).filter((a) => a !== '--keep');
  if (unknown.length) {
    console.error(`unknown option ${unknown[0]}\nusage: npm run check:cdktn -- [--keep]`);
    return 2;
  }
  const work = mkdtempSync(path.join(os.tmpdir(), 'students-cdktn-'));
  const started = Date.now();
  try {
    const port = path.join(work, 'project');
    const files = projectFiles();
    for (const f of files) {
      mkdirSync(path.dirname(path.join(port, f)), { recursive: true });
      cpSync(path.join(ROOT, f), path.join(port, f));
    }
    console.log(
      `copied ${files.length} files to ${port}; ported ${applyPort(port, files)} sources, package.json and the CLI constant`,
    );
    step(
      'npm install (the fork: cdktn, cdktn-cli, @cdktn/provider-aws)',
      'npm',
      ['install', '--no-audit', '--no-fund', '--loglevel=error'],
      port,
    );
    step('type-check', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], port);
    step(
      'synth, policy and monitoring suites',
      'npx',
      ['jest', '--selectProjects', 'unit', '--', 'synth', 'policy', 'monitoring'],
      port,
    );

    const dist = path.join(work, 'dist');
    await buildAll(dist);
    const [before, after] = [path.join(work, 'cdktf'), path.join(work, 'cdktn')];
    step(
      'synthesize every configuration with cdktf',
      'npx',
      ['tsx', path.join('scripts', 'cdktn', 'synth-all.ts'), before],
      ROOT,
      { STUDENTS_DIST_DIR: dist },
    );
    step(
      'synthesize every configuration with cdktn',
      'npx',
      ['tsx', path.join('scripts', 'cdktn', 'synth-all.ts'), after],
      port,
      { STUDENTS_DIST_DIR: dist },
    );
    const diffs = CONFIGURATIONS.flatMap((c) =>
      compareStacks(readStacks(path.join(before, c.name)), readStacks(path.join(after, c.name))).map(
        (d) => `${c.name}: ${d}`,
      ),
    );
    console.log(
      `\n=== compare: ${CONFIGURATIONS.length} configurations, ${diffs.length} differences beyond the provider's version and source and metadata`,
    );
    for (const d of diffs) console.log(`  ${d}`);
    if (diffs.length > 0) return 1;

    step(
      'validate the ported stacks with Terraform',
      'npx',
      ['tsx', path.join('scripts', 'terraform', 'validate.ts'), '--no-tests'],
      port,
      { STUDENTS_DIST_DIR: dist },
    );
    console.log('\n=== synth, both toolchains (all stacks of dev, median of 5)');
    console.log(
      synthComparison([
        ['cdktf 0.21.0', benchSynth(ROOT, { STUDENTS_DIST_DIR: dist })],
        ['cdktn 0.24.0', benchSynth(port, { STUDENTS_DIST_DIR: dist })],
      ]),
    );
    console.log(`\ncheck:cdktn: passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return 0;
  } catch (err) {
    console.error(`\ncheck:cdktn: FAILED: ${(err as Error).message}`);
    return 1;
  } finally {
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) main().then((code) => process.exit(code));
