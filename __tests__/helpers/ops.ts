/**
 * Running the ops commands as npm would (Node 22 with tsx, from the project root) against the
 * stand-in `terraform` and `aws` executables in fixtures/bin, each test in a temporary folder of
 * its own: the calls log, the fixture plans, the synthesized stacks and the saved plans.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIST } from '../../scripts/dist';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, '__tests__', 'fixtures');
export const planFixture = (name: string) => path.join(FIXTURES, 'plans', name);
export const ENV_STACKS = [
  'students-dev-network',
  'students-dev-data',
  'students-dev-api',
  'students-dev-frontend',
  'students-dev-monitoring',
];
/** dev with local state has no account stack (see the README, "The account stack"). */
export const STACKS = ENV_STACKS;

export interface RunOptions {
  input?: string;
  path?: string[];
  onlyPath?: boolean;
}

function opsEnv(env: Record<string, string>, options: RunOptions): NodeJS.ProcessEnv {
  const dirs = [...(options.path ?? [path.join(FIXTURES, 'bin')]), ...(options.onlyPath ? [] : [process.env.PATH])];
  return { ...process.env, ...env, PATH: dirs.join(path.delimiter) };
}

/** The command line that runs an ops script as npm would. */
export function opsCommand(script: string, args: readonly string[]): string[] {
  return [process.execPath, '--import', 'tsx', path.join(ROOT, 'scripts', 'ops', script), ...args];
}

/** Runs an ops script to its end. */
export function run(script: string, args: string[], env: Record<string, string> = {}, options: RunOptions = {}) {
  const [bin, ...rest] = opsCommand(script, args);
  return spawnSync(bin as string, rest, {
    cwd: ROOT,
    encoding: 'utf8',
    input: options.input ?? '',
    env: opsEnv(env, options),
    timeout: 120_000,
  });
}

/** Starts an ops script and leaves it running. */
export function start(script: string, args: string[], env: Record<string, string> = {}, options: RunOptions = {}) {
  const [bin, ...rest] = opsCommand(script, args);
  return spawn(bin as string, rest, { cwd: ROOT, env: opsEnv(env, options), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Resolves once `check` holds, polling; the condition itself, never a fixed sleep. */
export async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * The dev environment synthesized once for a whole file, into a temporary folder: the commands
 * then copy it (STUDENTS_STACKS_FROM) instead of synthesizing for every plan. The real synthesis
 * path stays covered by ops.integration.
 */
export function synthesizedOnce(): { dir: string } {
  const ready = { dir: '' };
  let root = '';
  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'ops-ready-'));
    const { buildApp } = await import('../../main');
    const { loadConfig } = await import('../../stacks/config');
    const built = buildApp(loadConfig({ STUDENTS_ENV: 'dev' }), { outdir: root, distDir: DIST });
    built.app.synth();
    ready.dir = path.join(root, 'stacks');
    writeFileSync(path.join(ready.dir, 'deploy-order.json'), JSON.stringify(built.stacks.map((st) => st.stackName)));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  return ready;
}

/** A temporary folder per test, with the stand-in terraform's call log and fixture plans. */
export function opsWorkspace(ready?: { dir: string }) {
  const ws = { work: '', log: '', fixtures: '' };
  beforeEach(() => {
    ws.work = mkdtempSync(path.join(os.tmpdir(), 'ops-'));
    ws.log = path.join(ws.work, 'calls.log');
    writeFileSync(ws.log, '');
    ws.fixtures = path.join(ws.work, 'fixture-plans');
    mkdirSync(ws.fixtures);
    writeFileSync(path.join(ws.fixtures, 'default.json'), readFileSync(planFixture('noop.json')));
  });
  afterEach(() => rmSync(ws.work, { recursive: true, force: true }));
  const tfEnv = (extra: Record<string, string> = {}) => ({
    FAKE_TF_LOG: ws.log,
    FAKE_TF_PLANS: ws.fixtures,
    STUDENTS_ENV: 'dev',
    STUDENTS_OUT_DIR: path.join(ws.work, 'cdktf.out'),
    STUDENTS_PLANS_DIR: path.join(ws.work, 'saved-plans'),
    ...(ready ? { STUDENTS_STACKS_FROM: ready.dir } : {}),
    ...extra,
  });
  const calls = () => readFileSync(ws.log, 'utf8').trim().split('\n').filter(Boolean);
  const fixture = (stack: string, file: string) =>
    writeFileSync(path.join(ws.fixtures, `${stack}.json`), readFileSync(planFixture(file)));
  const applied = () =>
    calls()
      .filter((c) => / apply /.test(c))
      .map((c) => c.split(' ')[0]);
  const savedPlanOf = (stack: string, file = 'tfplan') => path.join(ws.work, 'saved-plans', 'dev', stack, file);
  return { ws, tfEnv, calls, fixture, applied, savedPlanOf };
}
