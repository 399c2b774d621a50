/**
 * `npm run connect`: a shell on an in-service frontend instance over SSM Session Manager.
 *   npm run connect                          # SSM session (no inbound port, no key)
 *   npm run connect -- --ssh [--key ~/.ssh/ops.pem] [--user ec2-user]   # SSH over SSM
 *   npm run connect -- --port-forward [8080]   # the app port on localhost:8080 (default 3000)
 *   npm run connect -- --instance i-0123…      # a chosen instance
 * The environment (STUDENTS_ENV, STUDENTS_REGION…) names the Auto Scaling group.
 */
import { spawnSync } from 'node:child_process';
import { ConfigError, loadConfig, nameOf, type DeploymentConfig } from '../../stacks/config';
import { APP_PORT } from '../../stacks/frontend-stack';

export interface ConnectOptions {
  mode: 'ssm' | 'ssh' | 'port-forward';
  instance?: string;
  key?: string;
  user: string;
  localPort: number;
}

export function parseConnectArgs(argv: readonly string[]): ConnectOptions {
  const o: ConnectOptions = { mode: 'ssm', user: 'ec2-user', localPort: APP_PORT };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (name: string) => {
      const v = argv[++i];
      if (!v || v.startsWith('--')) throw new Error(`${name} needs a value`);
      return v;
    };
    if (a === '--ssh') o.mode = 'ssh';
    else if (a === '--port-forward') {
      o.mode = 'port-forward';
      if (argv[i + 1] && /^\d+$/.test(argv[i + 1]!)) o.localPort = Number(argv[++i]);
    } else if (a === '--instance') {
      o.instance = value(a);
      if (!/^i-[0-9a-f]{8,17}$/.test(o.instance))
        throw new Error(`--instance: "${o.instance}" is not an instance id like i-0123456789abcdef0`);
    } else if (a === '--key') o.key = value(a);
    else if (a === '--user') o.user = value(a);
    else throw new Error(`unknown option ${a}; see the comment at the top of scripts/ops/connect.ts`);
  }
  if (o.localPort < 1 || o.localPort > 65535) throw new Error(`--port-forward: ${o.localPort} is not a port`);
  return o;
}

interface AsgDescription {
  AutoScalingGroups: {
    AutoScalingGroupName: string;
    Instances?: { InstanceId: string; LifecycleState: string; HealthStatus: string; AvailabilityZone?: string }[];
  }[];
}

/** The first healthy in-service instance, as the AWS CLI documents the describe output. */
export function pickInstance(description: AsgDescription, asgName: string): string {
  const group = description.AutoScalingGroups.find((g) => g.AutoScalingGroupName === asgName);
  if (!group)
    throw new Error(`Auto Scaling group ${asgName} not found: is the frontend stack deployed in this region?`);
  const ready = (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy');
  if (ready.length === 0)
    throw new Error(
      `${asgName} has no healthy in-service instance (instances: ${(group.Instances ?? []).map((i) => `${i.InstanceId} ${i.LifecycleState}/${i.HealthStatus}`).join(', ') || 'none'})`,
    );
  return ready[0]!.InstanceId;
}

/** Asks the AWS CLI for the environment's Auto Scaling group and picks a healthy in-service instance. */
export function findInstance(config: DeploymentConfig): string {
  const asgName = nameOf(config, 'frontend');
  const res = spawnSync(
    'aws',
    [
      'autoscaling',
      'describe-auto-scaling-groups',
      '--auto-scaling-group-names',
      asgName,
      '--region',
      config.region,
      '--output',
      'json',
    ],
    { encoding: 'utf8' },
  );
  if (res.error)
    throw new Error(
      'The AWS CLI (v2) is not installed or not on PATH: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html',
    );
  if (res.status !== 0) throw new Error(`aws autoscaling describe-auto-scaling-groups failed: ${res.stderr.trim()}`);
  return pickInstance(JSON.parse(res.stdout) as AsgDescription, asgName);
}

function have(cmd: string, args: string[]): boolean {
  const res = spawnSync(cmd, args, { stdio: 'ignore' });
  return !res.error && res.status === 0;
}

function main(): number {
  const config = loadConfig(process.env);
  const options = parseConnectArgs(process.argv.slice(2));
  if (!have('aws', ['--version'])) {
    console.error(
      'The AWS CLI (v2) is not installed or not on PATH: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html',
    );
    return 127;
  }
  if (!have('session-manager-plugin', ['--version'])) {
    console.error(
      'The Session Manager plugin for the AWS CLI is missing: https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
    );
    return 127;
  }
  const region = ['--region', config.region];
  const asgName = nameOf(config, 'frontend');
  const instance = options.instance ?? findInstance(config);
  let cmd: string;
  let args: string[];
  if (options.mode === 'ssh') {
    const proxy = `aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region ${config.region}`;
    cmd = 'ssh';
    args = [...(options.key ? ['-i', options.key] : []), '-o', `ProxyCommand=${proxy}`, `${options.user}@${instance}`];
  } else if (options.mode === 'port-forward') {
    cmd = 'aws';
    args = [
      'ssm',
      'start-session',
      '--target',
      instance,
      '--document-name',
      'AWS-StartPortForwardingSession',
      '--parameters',
      JSON.stringify({ portNumber: [String(APP_PORT)], localPortNumber: [String(options.localPort)] }),
      ...region,
    ];
    console.error(`forwarding http://localhost:${options.localPort} to ${instance}:${APP_PORT}`);
  } else {
    cmd = 'aws';
    args = ['ssm', 'start-session', '--target', instance, ...region];
  }
  console.error(`connecting to ${instance} (${asgName}, ${config.region}) with ${options.mode}`);
  const res = spawnSync(cmd, args, { stdio: 'inherit' });
  return res.status ?? 1;
}

if (require.main === module) {
  try {
    process.exit(main());
  } catch (err) {
    console.error((err as Error).message);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
}
