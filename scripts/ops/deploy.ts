/**
 * `npm run deploy`: for each stack in dependency order, plan, run the plan guard, and apply
 * exactly the plan that passed. A stack whose plan fails the guard is not applied, and
 * nothing after it is planned. (Plain `npx cdktf deploy 'students-<env>-*'` works too.)
 *   STUDENTS_ENV=dev npm run deploy -- [--allow-destroy <address>]...
 */
import { ConfigError, loadConfig } from '../../stacks/config';
import { checkFiles } from './plan-check';
import { allowDestroyArgs, planArgsFor, planStack, synthesize, terraform } from './terraform';

async function main(): Promise<number> {
  const config = loadConfig(process.env);
  const stacks = await synthesize(config);
  const allow = allowDestroyArgs(process.argv.slice(2));
  for (const stack of stacks) {
    console.log(`\n=== ${stack}: plan`);
    const plan = planStack(stack, planArgsFor(stack, process.argv.slice(2)));
    const guard = checkFiles([...allow, plan.json]);
    console.log(guard.output);
    if (guard.exitCode !== 0) {
      console.error(
        `\n${stack}: not applied; the plan guard refused it (plans/${stack}/plan.txt). Nothing after it was applied.`,
      );
      return guard.exitCode;
    }
    console.log(`\n=== ${stack}: apply`);
    const res = terraform(stack, ['apply', '-input=false', '-no-color', plan.binary]);
    if (res.status !== 0) {
      console.error(`\n${stack}: terraform apply failed (exit ${res.status}).`);
      return 1;
    }
  }
  console.log(`\ndeployed ${stacks.join(', ')} (environment ${config.environment}); next: npm run smoke`);
  return 0;
}

main()
  .then((code) => process.exit(code))
  .catch((err) => {
    console.error(err instanceof ConfigError || err instanceof Error ? err.message : err);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
