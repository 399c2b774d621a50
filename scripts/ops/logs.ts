/**
 * `npm run logs`: follows the environment's logs, each line labelled with its source.
 *
 *   npm run logs                                    # both Lambdas' CloudWatch logs, side by side
 *   npm run logs -- --lambda signup-students        # one function
 *   npm run logs -- --api                           # the API's access log
 *   npm run logs -- --frontend [--instance i-…]     # the frontend's app log, from CloudWatch (every instance, or one)
 *   npm run logs -- --since 1h                      # start further back (default 10m)
 *
 * Exits non-zero when a follower fails (no such group, no permission, no AWS CLI). Exit codes: cli.ts.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FUNCTION_NAMES, type FunctionName } from '../../core/contract';
import { loadConfig, nameOf, prefixOf } from '../../stacks/config';
import { AwsCliError, checkAwsCli } from './aws';
import { strictArgs } from '../args';
import { EXIT, runMain, UsageError } from './cli';

export const USAGE =
  'usage: npm run logs -- [--lambda <list-students|signup-students> | --api | --frontend [--instance i-…]] [--since <10m|1h|…>]';

export interface LogArgs {
  readonly source: 'lambdas' | 'lambda' | 'api' | 'frontend';
  readonly fn?: FunctionName;
  readonly instance?: string;
  readonly since: string;
}

export function parseLogArgs(argv: readonly string[]): LogArgs {
  const { values } = strictArgs(
    argv,
    {
      lambda: { type: 'string' },
      api: { type: 'boolean' },
      frontend: { type: 'boolean' },
      instance: { type: 'string' },
      since: { type: 'string', default: '10m' },
    },
    USAGE,
  );
  let source: LogArgs['source'] = values.api ? 'api' : values.frontend ? 'frontend' : 'lambdas';
  const fn = values.lambda as FunctionName | undefined;
  if (fn !== undefined) {
    if (!FUNCTION_NAMES.includes(fn)) throw new UsageError(`--lambda takes one of ${FUNCTION_NAMES.join(', ')}`);
    source = 'lambda';
  }
  const since = String(values.since);
  if (!/^\d+[smhdw]$/.test(since)) throw new UsageError(`--since takes a duration like 10m, 2h or 1d`);
  const instance = values.instance as string | undefined;
  if (instance && source !== 'frontend') throw new UsageError(`--instance goes with --frontend\n${USAGE}`);
  return { source, ...(fn ? { fn } : {}), ...(instance ? { instance } : {}), since };
}

/** The AWS CLI calls that follow the asked logs: a label and an argument list per follower. */
export function logCommands(
  args: LogArgs,
  env: Record<string, string | undefined>,
  instance?: string,
): [string, string[]][] {
  const config = loadConfig(env);
  const region = ['--region', config.region];
  if (args.source === 'frontend') {
    // From CloudWatch, where the instances' agent ships the app log: it outlives the instance.
    const streams = instance ? ['--log-stream-names', instance] : [];
    return [
      [
        'frontend',
        [
          'logs',
          'tail',
          `/${prefixOf(config)}/frontend/app`,
          ...streams,
          '--follow',
          '--since',
          args.since,
          '--format',
          'short',
          ...region,
        ],
      ],
    ];
  }
  const groups: [string, string][] =
    args.source === 'api'
      ? [['api', `/${nameOf(config, 'api')}/access-logs`]]
      : (args.fn ? [args.fn] : FUNCTION_NAMES).map((fn) => [fn, `/aws/lambda/${nameOf(config, fn)}`]);
  return groups.map(([label, group]) => [
    label,
    ['logs', 'tail', group, '--follow', '--since', args.since, '--format', 'short', ...region],
  ]);
}

/** Runs the followers, prefixing each line with its label; resolves with the worst exit code. */
export function follow(commands: readonly [string, string[]][]): Promise<number> {
  const width = Math.max(...commands.map(([label]) => label.length));
  let interrupted = false;
  const children = commands.map(([label, args]) => {
    const child = spawn('aws', args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const tag = `[${label.padEnd(width)}]`;
    for (const [stream, out] of [
      [child.stdout, process.stdout],
      [child.stderr, process.stderr],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => out.write(`${tag} ${line}\n`));
    }
    return new Promise<number>((resolve) => {
      child.on('error', () => {
        console.error(`${tag} the AWS CLI (v2) is not installed or not on PATH`);
        resolve(EXIT.failed);
      });
      child.on('close', (code) => {
        if (code !== 0 && !interrupted) console.error(`${tag} stopped: aws exited ${code}`);
        resolve(code ?? EXIT.failed);
      });
    });
  });
  process.once('SIGINT', () => (interrupted = true));
  return Promise.all(children).then((codes) =>
    interrupted ? EXIT.interrupted : codes.some((c) => c !== 0) ? EXIT.failed : EXIT.ok,
  );
}

async function main(): Promise<number> {
  const args = parseLogArgs(process.argv.slice(2));
  loadConfig(process.env); // a bad setting fails before the AWS CLI runs
  try {
    checkAwsCli();
    return await follow(logCommands(args, process.env, args.instance));
  } catch (err) {
    if (!(err instanceof AwsCliError)) throw err;
    console.error(err.message);
    return EXIT.failed;
  }
}

if (require.main === module) runMain(main);
