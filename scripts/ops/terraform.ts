/**
 * Runs terraform for one synthesized stack, in its working directory under cdktf.out/. The
 * binary is `terraform` on PATH, or TERRAFORM_BIN. STUDENTS_OUT_DIR and STUDENTS_PLANS_DIR move
 * the synthesized stacks and the saved plans (the tests point them at temporary folders).
 * Ctrl-C (SIGINT) and SIGTERM are passed to the running terraform, which is waited for, so it
 * can stop cleanly and release the state lock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../main';
import type { DeploymentConfig } from '../../stacks/config';
import { buildAll, ROOT } from '../build';
import { terraformBin } from '../terraform/toolchain';

export const OUTDIR = process.env.STUDENTS_OUT_DIR
  ? path.resolve(process.env.STUDENTS_OUT_DIR)
  : path.join(ROOT, 'cdktf.out');
export const PLANS_DIR = process.env.STUDENTS_PLANS_DIR
  ? path.resolve(process.env.STUDENTS_PLANS_DIR)
  : path.join(ROOT, 'plans');
export { terraformBin };

export function stackDir(stack: string): string {
  return path.join(OUTDIR, 'stacks', stack);
}

export interface Synthesized {
  /** Every stack, in deploy order (dependencies first). */
  readonly stacks: string[];
  /** The environment's own stacks (not the account stack), in deploy order. */
  readonly environmentStacks: string[];
}

/** Builds the artifacts, synthesizes, and returns the stack names in dependency order. */
export async function synthesize(config: DeploymentConfig): Promise<Synthesized> {
  await buildAll();
  const built = buildApp(config, { outdir: OUTDIR });
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

/** Set once a signal arrived: nothing new starts after it. */
export const interruption: { signal?: NodeJS.Signals } = {};
let running: ChildProcess | undefined;
let handlersInstalled = false;

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!interruption.signal)
        console.error(
          `\n${signal}: passing it to terraform and waiting for it to stop (the state lock is released on exit)…`,
        );
      interruption.signal = signal;
      running?.kill(signal);
    });
  }
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
export function savedPlan(stack: string, purpose: 'deploy' | 'destroy' = 'deploy'): StackPlan {
  const dir = purpose === 'deploy' ? path.join(PLANS_DIR, stack) : path.join(PLANS_DIR, 'destroy', stack);
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

/**
 * init, `plan -out`, and the text and JSON renderings under plans/<stack>/, readable by the
 * owner only: plans hold every value, sensitive ones included.
 */
export async function planStack(
  stack: string,
  extraPlanArgs: readonly string[] = [],
  purpose: 'deploy' | 'destroy' = 'deploy',
): Promise<StackPlan> {
  const plan = savedPlan(stack, purpose);
  mkdirSync(plan.dir, { recursive: true, mode: 0o700 });
  chmodSync(PLANS_DIR, 0o700);
  chmodSync(plan.dir, 0o700);
  const step = async (name: string, args: string[], capture = false) => {
    const res = await terraform(stack, args, { capture });
    if (res.code !== 0) throw new TerraformFailure(stack, name, res);
    return res;
  };
  await step('init', ['init', '-input=false', '-no-color'], true);
  await step('plan', ['plan', '-input=false', '-no-color', `-out=${plan.binary}`, ...extraPlanArgs], true);
  chmodSync(plan.binary, 0o600);
  writePrivate(plan.text, (await step('show', ['show', '-no-color', plan.binary], true)).stdout);
  writePrivate(plan.json, (await step('show -json', ['show', '-json', plan.binary], true)).stdout);
  return plan;
}

/** What an operator should do about a failed plan, from what Terraform said. */
export function planFailureHint(stderr: string): string {
  if (/prevent_destroy/.test(stderr)) {
    return 'A resource with prevent_destroy would be destroyed. If that is intended, lift deletion protection first (STUDENTS_DELETION_PROTECTION=false, planned with --allow-unprotect and applied), then plan again with --allow-destroy; see the runbook, "Destroy".';
  }
  if (/Unable to find remote state|No stored state was found|terraform_remote_state/.test(stderr)) {
    return 'A stack this one reads from has not been applied yet. For a new environment, deploy stack by stack: npm run deploy -- --plan.';
  }
  if (/Error acquiring the state lock/.test(stderr))
    return 'The state is locked by another run; see the runbook, "A stuck state lock".';
  return "Read terraform's errors above; nothing was applied.";
}
