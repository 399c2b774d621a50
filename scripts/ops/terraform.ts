/**
 * Runs terraform for one synthesized stack, in its working directory under cdktf.out/. The
 * binary is `terraform` on PATH, or TERRAFORM_BIN. STUDENTS_OUT_DIR and STUDENTS_PLANS_DIR move
 * the synthesized stacks and the saved plans (the tests point them at temporary folders).
 * Terraform runs in a process group of its own, so a Ctrl-C at the terminal reaches this tool
 * alone; the tool passes exactly one interrupt on and waits for Terraform to stop cleanly and
 * release the state lock. A second Ctrl-C is passed on as Terraform's second interrupt (it then
 * exits at once), with a warning. Every state-locking call waits for a held lock (`-lock-timeout`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type DeploymentConfig } from '../../stacks/config';
import { envPlansDir, OUTDIR, PLANS_DIR, privateDir, stackDir } from './paths';
import { terraformBin } from '../terraform/toolchain';

export { envPlansDir, OUTDIR, PLANS_DIR, privateDir, stackDir } from './paths';
export { terraformBin };

export interface Synthesized {
  /** Every stack, in deploy order (dependencies first). */
  readonly stacks: string[];
  /** The environment's own stacks (not the account stack), in deploy order. */
  readonly environmentStacks: string[];
}

/**
 * Builds the artifacts, synthesizes, and returns the stack names in dependency order.
 * STUDENTS_STACKS_FROM names a folder of ready stacks (`<stack>/` folders and a `deploy-order.json`)
 * to use instead: the tests drive the ops tools through real Terraform over `terraform_data` stacks.
 */
export async function synthesize(config: DeploymentConfig): Promise<Synthesized> {
  const ready = process.env.STUDENTS_STACKS_FROM;
  if (ready) {
    cpSync(ready, path.join(OUTDIR, 'stacks'), { recursive: true });
    const stacks = JSON.parse(readFileSync(path.join(ready, DEPLOY_ORDER), 'utf8')) as string[];
    writeFileSync(path.join(OUTDIR, DEPLOY_ORDER), `${JSON.stringify(stacks, null, 2)}\n`);
    return { stacks, environmentStacks: stacks.filter((s) => !s.includes('-account-')) };
  }
  // Loaded here, not at the top: commands that only apply saved plans load neither esbuild nor cdktf.
  const [{ buildAll, DIST }, { buildApp }] = await Promise.all([import('../build'), import('../../main')]);
  await buildAll();
  const built = buildApp(config, { outdir: OUTDIR, distDir: DIST });
  built.app.synth();
  const stacks = built.stacks.map((s) => s.stackName);
  // The deploy order, for `npm run deploy` to apply saved plans in without synthesizing again.
  writeFileSync(path.join(OUTDIR, DEPLOY_ORDER), `${JSON.stringify(stacks, null, 2)}\n`);
  return { stacks, environmentStacks: stacks.filter((s) => s !== built.account?.stackName) };
}

const DEPLOY_ORDER = 'deploy-order.json';

/**
 * The stacks `npm run plan` synthesized, in deploy order: applying saved plans must not
 * synthesize again (that would replace the asset files the plans name).
 */
export function synthesizedStacks(): string[] {
  const file = path.join(OUTDIR, DEPLOY_ORDER);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as string[]) : [];
}

/** Set once a signal arrived: nothing new starts after it. `count` counts the operator's interrupts. */
export const interruption: { signal?: NodeJS.Signals; count: number } = { count: 0 };
let running: ChildProcess | undefined;
let handlersInstalled = false;

/**
 * Terraform is in its own process group, so it hears only what this passes on: the first
 * signal once, and a second interrupt only when the operator presses Ctrl-C again.
 */
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      interruption.count += 1;
      interruption.signal ??= signal;
      // Terraform first, then the message: after a hangup the terminal may refuse the write.
      if (interruption.count === 1) {
        running?.kill(signal === 'SIGHUP' ? 'SIGINT' : signal);
        console.error(
          `\n${signal}: passing one interrupt to terraform and waiting for it to stop cleanly (the state lock is released on exit)…`,
        );
      } else if (interruption.count === 2 && running) {
        running.kill('SIGINT');
        console.error(
          '\nSecond interrupt: passed to terraform, which now exits at once without finishing its writes. Data loss may occur; check the state and the runbook, "A stuck state lock".',
        );
      }
    });
  }
}

/** How long terraform waits for a state lock another run holds (`-lock-timeout`). */
export function lockTimeout(env: NodeJS.ProcessEnv = process.env): string {
  const value = env.STUDENTS_TF_LOCK_TIMEOUT ?? '2m';
  if (!/^\d+[smh]$/.test(value))
    throw new ConfigError('STUDENTS_TF_LOCK_TIMEOUT', `"${value}" must be a duration like 90s, 5m or 1h`);
  return value;
}

export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs terraform in a stack's folder; with `capture`, output is collected instead of shown (stderr is always kept). */
export function terraform(
  stack: string,
  args: readonly string[],
  options: { capture?: boolean } = {},
): Promise<TerraformResult> {
  installSignalHandlers();
  return new Promise((resolve, reject) => {
    const child = spawn(terraformBin(), args, {
      cwd: stackDir(stack),
      env: { ...process.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
      stdio: ['ignore', options.capture ? 'pipe' : 'inherit', 'pipe'],
      // Its own process group: the terminal's Ctrl-C goes to this tool, which passes on exactly one.
      detached: true,
    });
    running = child;
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => {
      stderr += d;
      if (!options.capture) process.stderr.write(d);
    });
    child.on('error', (err) => {
      running = undefined;
      reject(
        (err as NodeJS.ErrnoException).code === 'ENOENT'
          ? new Error(`${terraformBin()} not found: install Terraform 1.10 or newer, or set TERRAFORM_BIN`)
          : err,
      );
    });
    child.on('close', (code, signal) => {
      running = undefined;
      resolve({ code: code ?? (signal ? 128 + 2 : 1), stdout, stderr });
    });
  });
}

export interface StackPlan {
  readonly stack: string;
  readonly dir: string;
  readonly binary: string;
  readonly text: string;
  readonly json: string;
}

/** Where a stack's saved plan lives; destroy plans keep apart from the deploy plan a reviewer read. */
export function savedPlan(env: string, stack: string, purpose: 'deploy' | 'destroy' = 'deploy'): StackPlan {
  const base = envPlansDir(env);
  const dir = purpose === 'deploy' ? path.join(base, stack) : path.join(base, 'destroy', stack);
  return {
    stack,
    dir,
    binary: path.join(dir, 'tfplan'),
    text: path.join(dir, 'plan.txt'),
    json: path.join(dir, 'plan.json'),
  };
}

export class TerraformFailure extends Error {
  constructor(
    readonly stackName: string,
    readonly step: string,
    readonly result: TerraformResult,
  ) {
    super(`${stackName}: terraform ${step} failed (exit ${result.code})`);
  }
}

function writePrivate(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
}

async function step(stack: string, name: string, args: string[], capture = false): Promise<TerraformResult> {
  const res = await terraform(stack, args, { capture });
  if (res.code !== 0) throw new TerraformFailure(stack, name, res);
  return res;
}

/** `terraform show -json` of a binary plan, as the stack's Terraform reads it. */
export async function showJson(stack: string, binary: string): Promise<string> {
  return (await step(stack, 'show -json', ['show', '-json', binary], true)).stdout;
}

/**
 * init, `plan -out`, and the text and JSON renderings under plans/<env>/<stack>/, readable by
 * the owner only.
 */
export async function planStack(
  env: string,
  stack: string,
  extraPlanArgs: readonly string[] = [],
  purpose: 'deploy' | 'destroy' = 'deploy',
): Promise<StackPlan> {
  const plan = savedPlan(env, stack, purpose);
  privateDir(PLANS_DIR);
  privateDir(path.dirname(plan.dir));
  rmSync(plan.dir, { recursive: true, force: true });
  privateDir(plan.dir);
  await step(stack, 'init', ['init', '-input=false', '-no-color'], true);
  await step(
    stack,
    'plan',
    ['plan', '-input=false', '-no-color', `-lock-timeout=${lockTimeout()}`, `-out=${plan.binary}`, ...extraPlanArgs],
    true,
  );
  chmodSync(plan.binary, 0o600);
  writePrivate(plan.text, (await step(stack, 'show', ['show', '-no-color', plan.binary], true)).stdout);
  writePrivate(plan.json, await showJson(stack, plan.binary));
  return plan;
}
