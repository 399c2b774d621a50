/**
 * Applying reviewed plans, stack by stack, in order: exactly the saved plan file of each (so
 * Terraform itself refuses one that went stale), stopping at the first failure or signal, and
 * always saying which stacks were applied, which failed and which were not started.
 */
import { existsSync } from 'node:fs';
import { EXIT } from './cli';
import { analyse, type GuardOptions, type PlanReport } from './plan-guard';
import { readPlan } from './plan-check';
import { interruption, planFailureHint, planStack, type StackPlan, TerraformFailure, terraform } from './terraform';

export interface ApplyOutcome {
  readonly applied: string[];
  readonly failed?: string;
  readonly notStarted: string[];
  readonly code: number;
}

/**
 * Plans each stack in turn (saving it), with the guard's report for each; a failed plan prints
 * Terraform's errors and what to do, and stops there with its exit code.
 */
export async function planAll(
  stacks: readonly string[],
  planArgs: (stack: string) => string[],
  purpose: 'deploy' | 'destroy',
  guard: GuardOptions,
): Promise<PlanReport[] | number> {
  const reports: PlanReport[] = [];
  for (const stack of stacks) {
    if (interruption.signal) return EXIT.interrupted;
    console.error(`=== ${stack}: terraform plan${purpose === 'destroy' ? ' -destroy' : ''}`);
    try {
      const plan = await planStack(stack, planArgs(stack), purpose);
      reports.push(analyse(stack, readPlan(plan.json), guard));
    } catch (err) {
      if (interruption.signal) return EXIT.interrupted;
      if (!(err instanceof TerraformFailure)) throw err;
      console.error(`\n${err.message}\n${err.result.stderr.trim()}\n\n${planFailureHint(err.result.stderr)}`);
      return EXIT.failed;
    }
  }
  return reports;
}

/** The guard's reports over saved plans, or the stacks that have none. */
export function reviewSaved(
  plans: readonly StackPlan[],
  guard: GuardOptions,
): { reports: PlanReport[]; missing: string[] } {
  const missing = plans.filter((p) => !existsSync(p.binary) || !existsSync(p.json)).map((p) => p.stack);
  if (missing.length > 0) return { reports: [], missing };
  return { reports: plans.map((p) => analyse(p.stack, readPlan(p.json), guard)), missing };
}

/** One stack's apply of its saved plan: the result an operator can act on. */
export async function applyPlan(plan: StackPlan): Promise<{ code: number; message?: string }> {
  console.log(`\n=== ${plan.stack}: terraform apply (the reviewed plan ${plan.binary})`);
  const res = await terraform(plan.stack, ['apply', '-input=false', '-no-color', plan.binary]);
  if (res.code === 0) return { code: EXIT.ok };
  if (interruption.signal)
    return { code: EXIT.interrupted, message: `${plan.stack}: interrupted; terraform stopped (exit ${res.code})` };
  if (/Saved plan is stale/i.test(res.stderr)) {
    return {
      code: EXIT.stalePlan,
      message: `${plan.stack}: the reviewed plan is stale: the stack's state changed after it was made (another apply, or drift). Nothing was applied to this stack. Run npm run plan again and review it.`,
    };
  }
  return { code: EXIT.failed, message: `${plan.stack}: terraform apply failed (exit ${res.code})` };
}

/**
 * Applies stack after stack; `before` may prepare each (plan, guard, confirm) and return a
 * non-zero code to stop there.
 */
export async function applyInOrder(
  stacks: readonly string[],
  step: (stack: string) => Promise<{ code: number; message?: string }>,
): Promise<ApplyOutcome> {
  const applied: string[] = [];
  for (const [i, stack] of stacks.entries()) {
    if (interruption.signal) return report({ applied, notStarted: stacks.slice(i), code: EXIT.interrupted });
    const res = await step(stack);
    if (res.code !== EXIT.ok) {
      if (res.message) console.error(`\n${res.message}`);
      const failedHere = res.code !== EXIT.refused && res.code !== EXIT.notConfirmed;
      return report({
        applied,
        ...(failedHere ? { failed: stack } : {}),
        notStarted: stacks.slice(failedHere ? i + 1 : i),
        code: res.code,
      });
    }
    applied.push(stack);
  }
  return report({ applied, notStarted: [], code: EXIT.ok });
}

function report(outcome: ApplyOutcome): ApplyOutcome {
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
  console.error(
    `\nsummary: applied: ${list(outcome.applied)}; failed: ${outcome.failed ?? 'none'}; not started: ${list(outcome.notStarted)}`,
  );
  return outcome;
}
