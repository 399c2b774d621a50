/**
 * Runs terraform for one synthesized stack, in its working directory under cdktf.out/.
 * The binary is `terraform` on PATH, or TERRAFORM_BIN. STUDENTS_OUT_DIR and STUDENTS_PLANS_DIR
 * move the synthesized stacks and the saved plans (the tests point them at temporary folders).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from '../../main';
import { loadConfig, type DeploymentConfig } from '../../stacks/config';
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

/** Builds the artifacts, synthesizes, and returns the stack names in dependency order. */
export async function synthesize(config: DeploymentConfig = loadConfig(process.env)): Promise<string[]> {
  await buildAll();
  const built = buildApp(config, { outdir: OUTDIR });
  built.app.synth();
  return built.stacks.map((s) => s.stackName);
}

export function terraform(
  stack: string,
  args: string[],
  options: { capture?: boolean } = {},
): SpawnSyncReturns<string> {
  const res = spawnSync(terraformBin(), args, {
    cwd: stackDir(stack),
    encoding: 'utf8',
    stdio: options.capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    env: { ...process.env, TF_IN_AUTOMATION: '1' },
    maxBuffer: 256 * 1024 * 1024,
  });
  if (res.error && (res.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      `${terraformBin()} not found: install Terraform 1.10 or newer (https://developer.hashicorp.com/terraform/install), or set TERRAFORM_BIN`,
    );
  }
  return res;
}

export interface StackPlan {
  stack: string;
  dir: string;
  binary: string;
  text: string;
  json: string;
}

/** init, plan -out, and the text and JSON renderings under plans/<stack>/. */
export function planStack(stack: string, extraPlanArgs: string[] = []): StackPlan {
  const dir = path.join(PLANS_DIR, stack);
  mkdirSync(dir, { recursive: true });
  const plan: StackPlan = {
    stack,
    dir,
    binary: path.join(dir, 'tfplan'),
    text: path.join(dir, 'plan.txt'),
    json: path.join(dir, 'plan.json'),
  };
  const fail = (step: string, res: SpawnSyncReturns<string>) => {
    throw new Error(
      `${stack}: terraform ${step} failed (exit ${res.status}).${res.stderr ? `\n${res.stderr.trim()}` : ''}`,
    );
  };
  let res = terraform(stack, ['init', '-input=false', '-no-color']);
  if (res.status !== 0) fail('init', res);
  res = terraform(stack, ['plan', '-input=false', '-no-color', `-out=${plan.binary}`, ...extraPlanArgs]);
  if (res.status !== 0) fail('plan', res);
  res = terraform(stack, ['show', '-no-color', plan.binary], { capture: true });
  if (res.status !== 0) fail('show', res);
  writeFileSync(plan.text, res.stdout);
  res = terraform(stack, ['show', '-json', plan.binary], { capture: true });
  if (res.status !== 0) fail('show -json', res);
  writeFileSync(plan.json, res.stdout);
  return plan;
}

/** `--update-ami`: replace the recorded AMI, so the frontend's launch template takes the current AL2023. */
export function planArgsFor(stack: string, argv: readonly string[]): string[] {
  return argv.includes('--update-ami') && stack.endsWith('-frontend') ? ['-replace=terraform_data.ami'] : [];
}

/** Options shared by plan and deploy: --allow-destroy <address>, passed to the guard. */
export function allowDestroyArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    if (a === '--allow-destroy' && argv[i + 1]) out.push('--allow-destroy', argv[i + 1]!);
    else if (a.startsWith('--allow-destroy=')) out.push(a);
  });
  return out;
}
