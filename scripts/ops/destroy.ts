/**
 * `npm run destroy -- --confirm <env>`: the deploy path in reverse. For each of the environment's
 * stacks (dependants first; never the account stack) it runs `terraform plan -destroy`, shows the
 * plan guard's report, and applies those plans only after a confirmation. A stateful resource
 * needs `--allow-destroy <address>` even when its protections are off.
 *
 *   npm run destroy -- --confirm <env> [--allow-destroy <address>]... [--auto-approve] [--local-state]
 */
import { applyInOrder, applyPlan, planAll } from './apply';
import { confirm, EXIT, opsConfig, parseOps, runMain, UsageError } from './cli';
import { lockEnvironment } from './env-lock';
import { render } from './plan-check';
import { blocking } from './plan-guard';
import { savedPlan, synthesize } from './terraform';

export const USAGE =
  'usage: npm run destroy -- --confirm <env> [--allow-destroy <address>]... [--auto-approve] [--local-state]';

async function main(): Promise<number> {
  const options = parseOps(process.argv.slice(2), ['confirm', 'guard', 'auto-approve', 'local-state'], USAGE);
  const config = opsConfig(options);
  if (options.confirm !== config.environment) {
    throw new UsageError(
      `This destroys every stack of environment "${config.environment}". Name it twice: npm run destroy -- --confirm ${config.environment}`,
    );
  }
  const env = config.environment;
  lockEnvironment(env, 'npm run destroy');
  const { environmentStacks } = await synthesize(config);
  const order = [...environmentStacks].reverse();
  const reports = await planAll(env, order, () => ['-destroy'], 'destroy', options);
  if (typeof reports === 'number') return reports;
  console.log(render(reports, 'text'));
  if (blocking(reports).length > 0) {
    console.error(
      '\nNothing was destroyed: the plan guard refused. Name each resource whose data may go with --allow-destroy.',
    );
    return EXIT.refused;
  }
  if (!(await confirm(`\nDestroy environment "${config.environment}" (${order.join(', ')})?`, options))) {
    console.error('Not confirmed; nothing was destroyed.');
    return EXIT.notConfirmed;
  }
  return (
    await applyInOrder(order, (stack) => applyPlan(stack, savedPlan(env, stack, 'destroy').binary, 'the destroy plan'))
  ).code;
}

if (require.main === module) runMain(main);
