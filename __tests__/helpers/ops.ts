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
  /** start(): stdin a pipe left open (nobody writes or closes it), not /dev/null. */
  openStdin?: boolean;
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
  const how = { cwd: ROOT, env: opsEnv(env, options) };
  return options.openStdin
    ? spawn(bin as string, rest, { ...how, stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(bin as string, rest, { ...how, stdio: ['ignore', 'pipe', 'pipe'] });
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/**
 * An ops script on a pseudo-terminal of its own (util-linux `script`), as an operator runs it:
 * `type` sends keys (`\x03` is Ctrl-C, which the terminal turns into SIGINT for its foreground
 * group); stdout and stderr arrive together on `screen`.
 */
export function onTerminal(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  options: RunOptions = {},
) {
  const command = opsCommand(script, args).map(quote).join(' ');
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    cwd: ROOT,
    env: opsEnv(env, options),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d) => (screen += d));
  child.stderr.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { type: (keys: string) => child.stdin.write(keys), screen: () => screen, exited, child };
}

/** Runs an ops script on a terminal, answers its question with `answer`, and waits for its end. */
export async function answerOnTerminal(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  answer: string,
): Promise<{ status: number | null; screen: string }> {
  const term = onTerminal(script, args, env);
  await until(() => term.screen().includes("Only 'yes' is accepted") || term.child.exitCode !== null, 'the question');
  term.type(`${answer}\r`);
  const status = await term.exited;
  term.child.stdin.end();
  return { status, screen: term.screen() };
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
