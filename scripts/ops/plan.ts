/**
 * `npm run plan`: synthesizes, then for each stack in dependency order runs `terraform init`
 * and `terraform plan -out`, keeps the binary plan, its text and `terraform show -json` under
 * plans/<stack>/ (owner-only), prints the plan guard's report, and exits with its verdict.
 * `npm run deploy` then applies exactly these plans.
 *
 *   npm run plan -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami]
 *                   [--local-state] [--json | --markdown]
 */
import { blocking, type PlanReport } from './plan-guard';
import { readPlan, render } from './plan-check';
import { analyse } from './plan-guard';
import { EXIT, opsConfig, parseOps, runMain } from './cli';
import { interruption, planFailureHint, planStack, synthesize, TerraformFailure } from './terraform';

export const USAGE =
  'usage: npm run plan -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami] [--local-state] [--json | --markdown]';

/** `--update-ami`: replace the recorded AMI, so the frontend's launch template takes the current AL2023. */
export function planArgsFor(stack: string, updateAmi: boolean): string[] {
  return updateAmi && stack.endsWith('-frontend') ? ['-replace=terraform_data.ami'] : [];
}

async function main(): Promise<number> {
  const options = parseOps(process.argv.slice(2), ['guard', 'update-ami', 'local-state', 'format'], USAGE);
  const config = opsConfig(options);
  const { stacks } = await synthesize(config);
  const reports: PlanReport[] = [];
  for (const stack of stacks) {
    if (interruption.signal) return EXIT.interrupted;
    console.error(`=== ${stack}: terraform plan`);
    try {
      const plan = await planStack(stack, planArgsFor(stack, options.updateAmi));
      reports.push(analyse(stack, readPlan(plan.json), options));
    } catch (err) {
      if (interruption.signal) return EXIT.interrupted;
      if (!(err instanceof TerraformFailure)) throw err;
      console.error(`\n${err.message}\n${err.result.stderr.trim()}\n\n${planFailureHint(err.result.stderr)}`);
      return EXIT.failed;
    }
  }
  console.log(render(reports, options.format));
  if (options.format === 'text')
    console.log('\nNext: review plans/<stack>/plan.txt, then npm run deploy applies exactly these plans.');
  return blocking(reports).length > 0 ? EXIT.refused : EXIT.ok;
}

if (require.main === module) runMain(main);
