/**
 * `npm run plan`: synthesizes, then for each stack in dependency order runs `terraform init`
 * and `terraform plan -out`, keeps the binary plan, its text and `terraform show -json` under
 * plans/<stack>/, prints the summary, and runs the plan guard over them.
 *   npm run plan -- [--allow-destroy <address>]...
 */
import { ConfigError } from '../../stacks/config';
import { checkFiles } from './plan-check';
import { allowDestroyArgs, planArgsFor, planStack, synthesize } from './terraform';

async function main(): Promise<number> {
  const stacks = await synthesize();
  const plans = [];
  for (const stack of stacks) {
    console.log(`\n=== ${stack}: terraform plan`);
    try {
      plans.push(planStack(stack, planArgsFor(stack, process.argv.slice(2))));
    } catch (err) {
      console.error(`\n${(err as Error).message}`);
      console.error(
        `A stack whose upstream stacks are not deployed yet cannot be planned; npm run deploy plans and applies stack by stack.`,
      );
      return 1;
    }
  }
  console.log('\n=== plan summary (plans/<stack>/plan.txt has the full text)\n');
  const { output, exitCode } = checkFiles([...allowDestroyArgs(process.argv.slice(2)), ...plans.map((p) => p.json)]);
  console.log(output);
  return exitCode;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
