/**
 * `npm run connect`: a shell on a frontend instance over SSM Session Manager (no inbound port).
 *
 *   npm run connect                                        # SSM session
 *   npm run connect -- --ssh [--key ~/.ssh/ops.pem] [--user ec2-user]
 *       SSH over SSM; without --key, a temporary key pushed with EC2 Instance Connect (no key pair needed)
 *   npm run connect -- --port-forward [8080]               # the app on http://localhost:8080
 *   npm run connect -- --instance i-0123456789abcdef0      # a chosen instance
 *
 * The environment (STUDENTS_ENV, STUDENTS_REGION…) names the Auto Scaling group. Exit codes: cli.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, nameOf } from '../../stacks/config';
import { APP_PORT } from '../../stacks/frontend-stack';
import { AwsCliError, awsJson, checkAwsCli } from './aws';
import { EXIT, runMain, UsageError } from './cli';
import { findInstance } from './instances';
import { strictArgs } from '../args';

/** Clear of `npm start`'s ports (3000, 3001), so a forward and the local stack can run side by side. */
export const DEFAULT_FORWARD_PORT = 8080;
export const USAGE =
  'usage: npm run connect -- [--ssh [--key <file>] [--user <name>] | --port-forward [port]] [--instance i-…]';

export interface ConnectOptions {
  mode: 'ssm' | 'ssh' | 'port-forward';
  instance?: string;
  key?: string;
  user: string;
  localPort: number;
}

export function parseConnectArgs(argv: readonly string[]): ConnectOptions {
  const { values, positionals } = strictArgs(
    argv,
    {
      ssh: { type: 'boolean' },
      'port-forward': { type: 'boolean' },
      instance: { type: 'string' },
      key: { type: 'string' },
      user: { type: 'string' },
    },
    USAGE,
    true,
  );
  const o: ConnectOptions = {
    mode: values['port-forward'] ? 'port-forward' : values.ssh ? 'ssh' : 'ssm',
    user: typeof values.user === 'string' ? values.user : 'ec2-user',
    localPort: DEFAULT_FORWARD_PORT,
    ...(typeof values.key === 'string' ? { key: values.key } : {}),
  };
  // The one argument a flag may be followed by: --port-forward's local port.
  const [port, ...rest] = positionals;
  if (rest.length > 0 || (port !== undefined && (o.mode !== 'port-forward' || !/^\d+$/.test(port))))
    throw new UsageError(`unexpected argument ${rest[0] ?? port}\n${USAGE}`);
  if (port !== undefined) o.localPort = Number(port);
  if (typeof values.instance === 'string') {
    o.instance = values.instance;
    if (!/^i-[0-9a-f]{8,17}$/.test(o.instance))
      throw new UsageError(`--instance: "${o.instance}" is not an instance id like i-0123456789abcdef0`);
  }
  if (o.localPort < 1 || o.localPort > 65535) throw new UsageError(`--port-forward: ${o.localPort} is not a port`);
  return o;
}

function have(cmd: string, args: string[]): boolean {
  const res = spawnSync(cmd, args, { stdio: 'ignore' });
  return !res.error && res.status === 0;
}

/** A throwaway key, pushed for 60 s with EC2 Instance Connect: SSH without a key pair. */
function temporaryKey(instance: string, user: string, region: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'students-connect-'));
  const file = path.join(dir, 'key');
  const gen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'students-connect', '-f', file], {
    stdio: 'ignore',
  });
  if (gen.error || gen.status !== 0)
    throw new AwsCliError('ssh-keygen is needed to make a temporary key (or pass --key)');
  const publicKey = readFileSync(`${file}.pub`, 'utf8').trim();
  awsJson([
    'ec2-instance-connect',
    'send-ssh-public-key',
    '--instance-id',
    instance,
    '--instance-os-user',
    user,
    '--ssh-public-key',
    publicKey,
    '--region',
    region,
  ]);
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function main(): Promise<number> {
  const options = parseConnectArgs(process.argv.slice(2));
  const config = loadConfig(process.env);
  try {
    checkAwsCli();
    if (!have('session-manager-plugin', ['--version'])) {
      throw new AwsCliError(
        'The Session Manager plugin for the AWS CLI is missing: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
      );
    }
    const region = ['--region', config.region];
    const picked = options.instance ? { instance: options.instance } : findInstance(config);
    if (picked.warning) console.error(`WARNING: ${picked.warning}`);
    const { instance } = picked;
    let cmd = 'aws';
    let args = ['ssm', 'start-session', '--target', instance, ...region];
    let cleanup = () => {};
    if (options.mode === 'ssh') {
      const proxy = `aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region ${config.region}`;
      let key = options.key;
      if (!key) {
        const temp = temporaryKey(instance, options.user, config.region);
        key = temp.file;
        cleanup = temp.cleanup;
        console.error('pushed a temporary key with EC2 Instance Connect (valid 60 s)');
      }
      cmd = 'ssh';
      args = ['-i', key, '-o', `ProxyCommand=${proxy}`, `${options.user}@${instance}`];
    } else if (options.mode === 'port-forward') {
      const parameters = JSON.stringify({
        portNumber: [String(APP_PORT)],
        localPortNumber: [String(options.localPort)],
      });
      args = [
        'ssm',
        'start-session',
        '--target',
        instance,
        '--document-name',
        'AWS-StartPortForwardingSession',
        '--parameters',
        parameters,
        ...region,
      ];
      console.error(`forwarding http://localhost:${options.localPort} to ${instance}:${APP_PORT}`);
    }
    console.error(`connecting to ${instance} (${nameOf(config, 'frontend')}, ${config.region}) with ${options.mode}`);
    try {
      return spawnSync(cmd, args, { stdio: 'inherit' }).status ?? EXIT.failed;
    } finally {
      cleanup();
    }
  } catch (err) {
    if (!(err instanceof AwsCliError) && !(err instanceof Error && /no in-service|not found/.test(err.message)))
      throw err;
    console.error((err as Error).message);
    return EXIT.failed;
  }
}

if (require.main === module) runMain(main);
