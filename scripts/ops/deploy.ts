/**
 * `npm run deploy`: applies exactly the plans `npm run plan` saved and a person reviewed, stack
 * by stack in dependency order, after the plan guard passes them again and a confirmation.
 * Terraform refuses a plan that went stale; nothing is re-planned behind the reviewer's back.
 * `--plan` plans and applies in one go, stack by stack (a new environment needs that, since a
 * stack's plan reads the outputs of the stacks before it), still showing each plan and asking.
 *
 *   npm run deploy -- [--plan] [--auto-approve] [--allow-destroy <address>]... [--allow-unprotect <address>]...
 *                     [--update-ami] [--local-state]
 *
 * `--auto-approve` (for CI) skips only the question, never the guard. Exit codes: see cli.ts.
 */
import { applyInOrder, applyPlan, reviewSaved } from './apply';
import { confirm, EXIT, opsConfig, parseOps, runMain } from './cli';
import { planArgsFor } from './plan';
import { readPlan, render } from './plan-check';
import { analyse, blocking } from './plan-guard';
import {
  interruption,
  planFailureHint,
  planStack,
  savedPlan,
  synthesize,
  synthesizedStacks,
  TerraformFailure,
} from './terraform';

export const USAGE =
  'usage: npm run deploy -- [--plan] [--auto-approve] [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami] [--local-state]';

async function deploySaved(stacks: string[], options: ReturnType<typeof parseOps>, env: string): Promise<number> {
  const plans = stacks.map((stack) => savedPlan(stack));
  const { reports, missing } = reviewSaved(plans, options);
  if (missing.length > 0) {
    console.error(
      `No reviewed plan for ${missing.join(', ')}. Run npm run plan and review it (or npm run deploy -- --plan).`,
    );
    return EXIT.stalePlan;
  }
  console.log(render(reports, 'text'));
  if (blocking(reports).length > 0) {
    console.error('\nNothing was applied: the plan guard refused (see above).');
    return EXIT.refused;
  }
  if (!(await confirm(`\nApply these ${plans.length} reviewed plans to environment "${env}"?`, options))) {
    console.error('Not confirmed; nothing was applied.');
    return EXIT.notConfirmed;
  }
  return (await applyInOrder(stacks, (stack) => applyPlan(savedPlan(stack)))).code;
}

async function deployPlanning(stacks: string[], options: ReturnType<typeof parseOps>, env: string): Promise<number> {
  const outcome = await applyInOrder(stacks, async (stack) => {
    console.log(`\n=== ${stack}: terraform plan`);
    let plan: ReturnType<typeof savedPlan>;
    try {
      plan = await planStack(stack, planArgsFor(stack, options.updateAmi));
    } catch (err) {
      if (interruption.signal) return { code: EXIT.interrupted };
      if (!(err instanceof TerraformFailure)) throw err;
      return {
        code: EXIT.failed,
        message: `${err.message}\n${err.result.stderr.trim()}\n\n${planFailureHint(err.result.stderr)}`,
      };
    }
    const report = analyse(stack, readPlan(plan.json), options);
    console.log(render([report], 'text'));
    if (blocking([report]).length > 0)
      return { code: EXIT.refused, message: `${stack}: not applied; the plan guard refused it.` };
    if (!(await confirm(`Apply this plan of ${stack} (environment "${env}")?`, options))) {
      return { code: EXIT.notConfirmed, message: `${stack}: not confirmed; not applied.` };
    }
    return applyPlan(plan);
  });
  return outcome.code;
}

async function main(): Promise<number> {
  const options = parseOps(
    process.argv.slice(2),
    ['guard', 'auto-approve', 'plan', 'update-ami', 'local-state'],
    USAGE,
  );
  const config = opsConfig(options);
  let stacks: string[];
  if (options.plan) stacks = (await synthesize(config)).stacks;
  else {
    stacks = synthesizedStacks();
    const ours = (s: string) => s.startsWith(`students-${config.environment}-`) || s.startsWith('students-account-');
    if (stacks.length === 0 || !stacks.every(ours)) {
      console.error(
        `No saved plans of environment "${config.environment}": run STUDENTS_ENV=${config.environment} npm run plan first.`,
      );
      return EXIT.stalePlan;
    }
  }
  const code = options.plan
    ? await deployPlanning(stacks, options, config.environment)
    : await deploySaved(stacks, options, config.environment);
  if (code === EXIT.ok)
    console.log(`\ndeployed ${stacks.join(', ')} (environment ${config.environment}); next: npm run smoke`);
  return code;
}

if (require.main === module) runMain(main);
