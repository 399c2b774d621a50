/**
 * Planning an environment as a set: every stack in deploy order into plans/<env>/, recorded in the
 * manifest. A stack that reads an output which an earlier stack's plan creates or changes cannot
 * be planned truthfully before that apply (remote state holds the old value, or no value), so it
 * is recorded as waiting for that stack; `npm run deploy` plans, guards and shows it then.
 */
import { rmSync } from 'node:fs';
import { failureReport } from './failure-hint';
import {
  changedOutputs,
  currentCommit,
  type Manifest,
  MANIFEST_VERSION,
  providerVersions,
  readManifest,
  readsOf,
  type StackEntry,
  sha256File,
  writeManifest,
} from './manifest';
import { readPlan } from './plan-check';
import { analyse, blocking, type GuardOptions, type PlanReport } from './plan-guard';
import { ROOT } from '../dist';
import { EXIT, UsageError } from './cli';
import { envPlansDir, interruption, planStack, TerraformFailure } from './terraform';

export interface PlanOutcome {
  /** 0, or the exit code of the failure that stopped it. */
  readonly code: number;
  readonly reports: PlanReport[];
  readonly manifest: Manifest;
}

/** Why `entry` cannot be planned yet: the producers whose pending plans change what it reads. */
export function waitingOn(m: Manifest, entry: Pick<StackEntry, 'reads'>): string[] {
  const pending = new Map(m.stacks.filter((s) => s.state !== 'applied').map((s) => [s.stack, s]));
  return entry.reads
    .filter((r) => {
      const p = pending.get(r.stack);
      return p && (p.state === 'waits' || r.outputs.some((o) => p.outputChanges?.includes(o)));
    })
    .map((r) => r.stack);
}

/** Plans one stack and fills its manifest entry; the guard's report over exactly that plan. */
export async function planEntry(
  env: string,
  entry: StackEntry,
  planArgs: readonly string[],
  guard: GuardOptions,
): Promise<PlanReport> {
  const plan = await planStack(env, entry.stack, planArgs);
  const json = readPlan(plan.json);
  const report = analyse(entry.stack, json, guard);
  entry.state = 'planned';
  entry.sha256 = sha256File(plan.binary);
  entry.verdict = blocking([report]).length > 0 ? 'refused' : 'passed';
  entry.terraformVersion = json.terraform_version;
  entry.providers = providerVersions(entry.stack);
  entry.outputChanges = changedOutputs(json as Parameters<typeof changedOutputs>[0]);
  entry.plannedAt = new Date().toISOString();
  delete entry.waitsFor;
  delete entry.appliedAt;
  delete entry.error;
  return report;
}

export function waitLine(entry: StackEntry): string {
  return `${entry.stack}: waits for ${entry.waitsFor?.join(', ')}: it reads outputs that their plans create or change, so npm run deploy plans it after applying them, shows that plan and asks.`;
}

/**
 * Plans `order` (every stack, or from `from` on: earlier stacks keep their manifest entries)
 * into a new manifest, written after every stack so an interrupted run leaves a truthful one.
 */
export async function planEnvironment(
  env: string,
  order: readonly string[],
  from: string | undefined,
  planArgs: (stack: string) => string[],
  guard: GuardOptions,
): Promise<PlanOutcome> {
  const previous = from ? readManifest(env) : undefined;
  const start = from ? order.indexOf(from) : 0;
  if (from && (start < 0 || !previous))
    throw new UsageError(
      start < 0
        ? `--from ${from}: not a stack of environment "${env}" (${order.join(', ')})`
        : `--from ${from}: there is no earlier plan of environment "${env}"; run npm run plan`,
    );
  if (!from) rmSync(envPlansDir(env), { recursive: true, force: true });
  const reads = readsOf(order);
  const kept = order.slice(0, start).map((stack) => {
    const e = previous?.stacks.find((s) => s.stack === stack);
    if (!e) throw new UsageError(`--from ${from}: ${stack} has no plan; plan from ${stack} instead`);
    return e;
  });
  const m: Manifest = {
    version: MANIFEST_VERSION,
    environment: env,
    commit: currentCommit(ROOT),
    createdAt: new Date().toISOString(),
    stacks: kept,
  };
  const reports: PlanReport[] = [];
  for (const stack of order.slice(start)) {
    if (interruption.signal) return { code: EXIT.interrupted, reports, manifest: m };
    const entry: StackEntry = { stack, state: 'waits', reads: reads.get(stack) ?? [] };
    const waits = waitingOn(m, entry);
    if (waits.length > 0) {
      entry.waitsFor = waits;
      m.stacks.push(entry);
      writeManifest(m);
      continue;
    }
    console.error(`=== ${stack}: terraform plan`);
    try {
      reports.push(await planEntry(env, entry, planArgs(stack), guard));
    } catch (err) {
      if (interruption.signal) return { code: EXIT.interrupted, reports, manifest: m };
      if (!(err instanceof TerraformFailure)) throw err;
      console.error(`\n${failureReport(err)}`);
      return { code: EXIT.failed, reports, manifest: m };
    }
    m.stacks.push(entry);
    writeManifest(m);
  }
  return { code: EXIT.ok, reports, manifest: m };
}

/** A plan request that cannot be carried out as asked (exit 2). */
export class TerraformSetupError extends Error {}
