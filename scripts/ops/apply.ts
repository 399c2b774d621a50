/**
 * Applying plans stack by stack, in order: exactly the given plan file of each (so Terraform
 * itself refuses one that went stale), stopping at the first failure or signal, and always saying
 * which stacks were applied, which failed and which were not started.
 */
import { EXIT } from './cli';
import { failureHint, failureReport } from './failure-hint';
import { readPlan } from './plan-check';
import { analyse, type GuardOptions, type PlanReport } from './plan-guard';
import { interruption, lockTimeout, planStack, TerraformFailure, terraform } from './terraform';

export interface StepResult {
  readonly code: number;
  readonly message?: string;
  /** The step stopped before Terraform touched the stack (a refusal, no confirmation, a plan to review). */
  readonly untouched?: boolean;
}

export interface ApplyOutcome {
  readonly applied: string[];
  readonly failed?: string;
  readonly notStarted: string[];
  readonly code: number;
}

/**
 * Plans each stack in turn (saving it), with the guard's report for each; a failed plan prints
 * Terraform's errors and what to do, and stops there with its exit code. (`npm run destroy`.)
 */
export async function planAll(
  env: string,
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
      const plan = await planStack(env, stack, planArgs(stack), purpose);
      reports.push(analyse(stack, readPlan(plan.json), guard));
    } catch (err) {
      if (interruption.signal) return EXIT.interrupted;
      if (!(err instanceof TerraformFailure)) throw err;
      console.error(`\n${failureReport(err)}`);
      return EXIT.failed;
    }
  }
  return reports;
}

/** One stack's apply of one plan file: the result an operator can act on. */
export async function applyPlan(stack: string, binary: string, label = 'the reviewed plan'): Promise<StepResult> {
  console.log(`\n=== ${stack}: terraform apply (${label})`);
  const res = await terraform(stack, ['apply', '-input=false', '-no-color', `-lock-timeout=${lockTimeout()}`, binary]);
  if (res.code === 0) return { code: EXIT.ok };
  if (interruption.signal)
    return { code: EXIT.interrupted, message: `${stack}: interrupted; terraform stopped (exit ${res.code})` };
  if (/Saved plan is stale/i.test(res.stderr)) {
    return {
      code: EXIT.stalePlan,
      message: `${stack}: the reviewed plan is stale: the stack's state changed after it was made (another apply, or drift). Nothing was applied to this stack. Plan it again (npm run plan -- --from ${stack}) and review it.`,
    };
  }
  return {
    code: EXIT.failed,
    message: `${stack}: terraform apply failed (exit ${res.code}). ${failureHint(res.stderr)}`,
  };
}

/** Applies stack after stack; `step` may prepare each (plan, guard, confirm) and return a non-zero code to stop there. */
export async function applyInOrder(
  stacks: readonly string[],
  step: (stack: string) => Promise<StepResult>,
  alreadyApplied: readonly string[] = [],
): Promise<ApplyOutcome> {
  const applied: string[] = [];
  const summary = (o: ApplyOutcome) => report(o, alreadyApplied);
  for (const [i, stack] of stacks.entries()) {
    if (interruption.signal) return summary({ applied, notStarted: stacks.slice(i), code: EXIT.interrupted });
    const res = await step(stack);
    if (res.code !== EXIT.ok) {
      if (res.message) console.error(`\n${res.message}`);
      const failedHere = !res.untouched && res.code !== EXIT.refused && res.code !== EXIT.notConfirmed;
      return summary({
        applied,
        ...(failedHere ? { failed: stack } : {}),
        notStarted: stacks.slice(failedHere ? i + 1 : i),
        code: res.code,
      });
    }
    applied.push(stack);
  }
  return summary({ applied, notStarted: [], code: EXIT.ok });
}

function report(outcome: ApplyOutcome, alreadyApplied: readonly string[]): ApplyOutcome {
  const list = (xs: readonly string[]) => (xs.length ? xs.join(', ') : 'none');
  const before = alreadyApplied.length ? `already applied before: ${list(alreadyApplied)}; ` : '';
  console.error(
    `\nsummary: ${before}applied: ${list(outcome.applied)}; failed: ${outcome.failed ?? 'none'}; not started: ${list(outcome.notStarted)}`,
  );
  return outcome;
}
