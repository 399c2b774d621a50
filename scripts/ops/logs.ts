/**
 * `npm run logs`: follows the environment's logs.
 *   npm run logs                      # both Lambdas' CloudWatch logs (aws logs tail --follow, side by side)
 *   npm run logs -- --lambda signup-students      # one function
 *   npm run logs -- --api             # the API's access log
 *   npm run logs -- --frontend [--instance i-…]   # the frontend service's journal, over SSM
 */
import { spawn, spawnSync } from 'node:child_process';
import { FUNCTION_NAMES, type FunctionName } from '../../lambdas/shared/contract';
import { ConfigError, loadConfig, nameOf } from '../../stacks/config';
import { findInstance } from './connect';

/** The AWS CLI calls that follow the asked logs, one argument list per process. */
export function logCommands(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  instance?: string,
): string[][] {
  const config = loadConfig(env);
  const region = ['--region', config.region];
  if (argv.includes('--frontend')) {
    if (!instance) throw new Error('an instance is needed for --frontend');
    return [
      [
        'ssm',
        'start-session',
        '--target',
        instance,
        '--document-name',
        'AWS-StartInteractiveCommand',
        '--parameters',
        JSON.stringify({ command: ['sudo journalctl -u students-frontend -f -o cat'] }),
        ...region,
      ],
    ];
  }
  let groups: string[];
  if (argv.includes('--api')) groups = [`/${nameOf(config, 'api')}/access-logs`];
  else if (argv.includes('--lambda')) {
    const fn = argv[argv.indexOf('--lambda') + 1] as FunctionName;
    if (!FUNCTION_NAMES.includes(fn)) throw new Error(`--lambda takes one of ${FUNCTION_NAMES.join(', ')}`);
    groups = [`/aws/lambda/${nameOf(config, fn)}`];
  } else groups = FUNCTION_NAMES.map((fn) => `/aws/lambda/${nameOf(config, fn)}`);
  return groups.map((g) => ['logs', 'tail', g, '--follow', '--format', 'short', ...region]);
}

function main(): number {
  const argv = process.argv.slice(2);
  const config = loadConfig(process.env);
  const given = argv.includes('--instance') ? argv[argv.indexOf('--instance') + 1] : undefined;
  const instance = argv.includes('--frontend') ? (given ?? findInstance(config)) : undefined;
  const commands = logCommands(argv, process.env, instance);
  if (commands.length === 1) {
    const res = spawnSync('aws', commands[0]!, { stdio: 'inherit' });
    if (res.error) {
      console.error(
        'The AWS CLI (v2) is not installed or not on PATH: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html',
      );
      return 127;
    }
    return res.status ?? 1;
  }
  // Several groups: one follower each, side by side, until Ctrl-C.
  const children = commands.map((args) => spawn('aws', args, { stdio: 'inherit' }));
  for (const c of children) c.on('error', () => console.error('The AWS CLI (v2) is not installed or not on PATH'));
  Promise.all(children.map((c) => new Promise((r) => c.on('close', r)))).then(() => process.exit(0));
  return -1;
}

if (require.main === module) {
  try {
    const code = main();
    if (code >= 0) process.exit(code);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
