/** The AWS CLI as the ops commands use it: version 2 checked once, JSON answers parsed. */
import { spawnSync } from 'node:child_process';

export const AWS_CLI_INSTALL = 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';

export class AwsCliError extends Error {}

/** Throws unless `aws` is on PATH and is version 2 (v1 lacks `logs tail` and the SSM session documents). */
export function checkAwsCli(): string {
  const res = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0)
    throw new AwsCliError(`The AWS CLI (v2) is not installed or not on PATH: ${AWS_CLI_INSTALL}`);
  const version = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(`${res.stdout}${res.stderr}`);
  if (!version || Number(version[1]) < 2) {
    throw new AwsCliError(
      `The AWS CLI must be version 2; this is ${(res.stdout || res.stderr).trim() || 'unknown'}: ${AWS_CLI_INSTALL}`,
    );
  }
  return `${version[1]}.${version[2]}.${version[3]}`;
}

/** Runs an AWS CLI call that answers JSON. */
export function awsJson<T>(args: readonly string[]): T {
  const res = spawnSync('aws', [...args, '--output', 'json'], { encoding: 'utf8' });
  if (res.error) throw new AwsCliError(`The AWS CLI (v2) is not installed or not on PATH: ${AWS_CLI_INSTALL}`);
  if (res.status !== 0) throw new AwsCliError(`aws ${args.slice(0, 2).join(' ')} failed: ${res.stderr.trim()}`);
  return JSON.parse(res.stdout) as T;
}
