/**
 * `npm run plan`: synthesizes, then for each stack in dependency order runs `terraform init`
 * and `terraform plan -out`, keeps the binary plan, its text and `terraform show -json` under
 * plans/<stack>/ (owner-only), prints the plan guard's report, and exits with its verdict.
 * `npm run deploy` then applies exactly these plans.
 *
 *   npm run plan -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--update-ami]
 *                   [--local-state] [--json | --markdown]
 */
import { planAll } from './apply';
import { EXIT, opsConfig, parseOps, runMain } from './cli';
import { render } from './plan-check';
import { blocking } from './plan-guard';
import { synthesize } from './terraform';

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
  const reports = await planAll(stacks, (stack) => planArgsFor(stack, options.updateAmi), 'deploy', options);
  if (typeof reports === 'number') return reports;
  console.log(render(reports, options.format));
  if (options.format === 'text')
    console.log('\nNext: review plans/<stack>/plan.txt, then npm run deploy applies exactly these plans.');
  return blocking(reports).length > 0 ? EXIT.refused : EXIT.ok;
}

if (require.main === module) runMain(main);
