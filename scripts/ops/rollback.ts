/**
 * `npm run rollback -- --function <name>`: points a function's `live` alias (what API Gateway
 * invokes) back at the version before the one it serves, or at `--to <version>`, after a summary
 * and a confirmation. One AWS call, effective for the next request; no Terraform run. Terraform
 * still names the newest version, so the next plan of the API stack moves `live` forward again.
 *
 *   npm run rollback -- --function list-students|signup-students [--to <version>] [--auto-approve]
 */
import { FUNCTION_NAMES, type FunctionName, LIVE_ALIAS } from '../../core/contract';
import { loadConfig, nameOf } from '../../stacks/config';
import { AwsCliError, awsJson, checkAwsCli } from './aws';
import { confirm, EXIT, runMain, UsageError } from './cli';
import { strictArgs } from '../args';

export const USAGE =
  'usage: npm run rollback -- --function list-students|signup-students [--to <version>] [--auto-approve]';

interface Version {
  readonly Version: string;
  readonly LastModified?: string;
  readonly CodeSha256?: string;
}

function parse(argv: string[]): { fn: FunctionName; to?: string; autoApprove: boolean } {
  const { values } = strictArgs(
    argv,
    { function: { type: 'string' }, to: { type: 'string' }, 'auto-approve': { type: 'boolean' } },
    USAGE,
  ) as { values: { function?: string; to?: string; 'auto-approve'?: boolean } };
  const fn = values.function as FunctionName | undefined;
  if (!fn || !FUNCTION_NAMES.includes(fn))
    throw new UsageError(`--function takes one of ${FUNCTION_NAMES.join(', ')}\n${USAGE}`);
  if (values.to !== undefined && !/^[1-9]\d*$/.test(values.to))
    throw new UsageError(`--to takes a published version number, e.g. 7\n${USAGE}`);
  return { fn, ...(values.to ? { to: values.to } : {}), autoApprove: values['auto-approve'] ?? false };
}

const versionLine = (v: Version | undefined) =>
  v
    ? `version ${v.Version} (${v.LastModified ?? 'unknown date'}, code sha256 ${v.CodeSha256?.slice(0, 12) ?? '?'}…)`
    : '';

async function main(): Promise<number> {
  const args = parse(process.argv.slice(2));
  const config = loadConfig(process.env);
  const name = nameOf(config, args.fn);
  const region = ['--region', config.region];
  try {
    checkAwsCli();
    const alias = awsJson<{ FunctionVersion: string }>([
      'lambda',
      'get-alias',
      '--function-name',
      name,
      '--name',
      LIVE_ALIAS,
      ...region,
    ]);
    const versions = awsJson<{ Versions: Version[] }>([
      'lambda',
      'list-versions-by-function',
      '--function-name',
      name,
      ...region,
    ])
      .Versions.filter((v) => /^\d+$/.test(v.Version))
      .sort((a, b) => Number(a.Version) - Number(b.Version));
    const current = versions.find((v) => v.Version === alias.FunctionVersion);
    const target = args.to
      ? versions.find((v) => v.Version === args.to)
      : versions.filter((v) => Number(v.Version) < Number(alias.FunctionVersion)).at(-1);
    if (!target) {
      console.error(
        args.to
          ? `${name} has no published version ${args.to} (published: ${versions.map((v) => v.Version).join(', ')}).`
          : `${name}: ${LIVE_ALIAS} serves version ${alias.FunctionVersion}, and no earlier version is published.`,
      );
      return EXIT.failed;
    }
    if (target.Version === alias.FunctionVersion) {
      console.error(`${name}: ${LIVE_ALIAS} serves version ${target.Version} already; nothing to do.`);
      return EXIT.ok;
    }
    console.log(
      `${name}: alias ${LIVE_ALIAS}\n  now      ${versionLine(current) || `version ${alias.FunctionVersion}`}\n  back to  ${versionLine(target)}`,
    );
    if (!(await confirm(`Point ${name}:${LIVE_ALIAS} at version ${target.Version}?`, args))) {
      console.error('Not confirmed; nothing was changed.');
      return EXIT.notConfirmed;
    }
    awsJson([
      'lambda',
      'update-alias',
      '--function-name',
      name,
      '--name',
      LIVE_ALIAS,
      '--function-version',
      target.Version,
      ...region,
    ]);
  } catch (err) {
    if (err instanceof AwsCliError) {
      console.error(err.message);
      return EXIT.failed;
    }
    throw err;
  }
  console.log(
    `${name}:${LIVE_ALIAS} now serves the earlier version. Terraform still names the newest one: the next plan of the API stack shows ${LIVE_ALIAS} moving forward again, so fix forward before deploying it.`,
  );
  return EXIT.ok;
}

if (require.main === module) runMain(main);
