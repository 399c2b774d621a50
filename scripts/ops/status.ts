/**
 * `npm run status`: the environment on one screen: every alarm's state, the instances and their
 * health, the Auto Scaling group's latest instance refresh, and the site's and API's URLs.
 * Exits 1 when any alarm is in ALARM (or the AWS CLI fails), 0 otherwise.
 *
 *   npm run status -- [--json]
 */
import { loadConfig, nameOf, prefixOf } from '../../stacks/config';
import { AwsCliError, awsJson, checkAwsCli } from './aws';
import { EXIT, runMain } from './cli';
import type { AsgDescription } from './instances';
import { outputs } from './smoke';
import { strictArgs } from '../args';

export const USAGE = 'usage: npm run status -- [--json]';

interface Alarms {
  MetricAlarms: { AlarmName: string; StateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'; StateReason?: string }[];
}
interface Refreshes {
  InstanceRefreshes: { Status: string; PercentageComplete?: number; StatusReason?: string; StartTime?: string }[];
}

export interface Status {
  readonly alarms: { name: string; state: string; reason?: string }[];
  readonly inAlarm: number;
  readonly instances: { id: string; lifecycle: string; health: string }[];
  readonly refresh?: { status: string; percent?: number; reason?: string };
  readonly siteUrl?: string;
  readonly apiUrl?: string;
}

export async function gather(env: NodeJS.ProcessEnv = process.env): Promise<Status> {
  const config = loadConfig(env);
  const region = ['--region', config.region];
  const alarms = awsJson<Alarms>([
    'cloudwatch',
    'describe-alarms',
    '--alarm-name-prefix',
    `${prefixOf(config)}-`,
    ...region,
  ]).MetricAlarms;
  const asgName = nameOf(config, 'frontend');
  const group = awsJson<AsgDescription>([
    'autoscaling',
    'describe-auto-scaling-groups',
    '--auto-scaling-group-names',
    asgName,
    ...region,
  ]).AutoScalingGroups[0];
  const refresh = awsJson<Refreshes>([
    'autoscaling',
    'describe-instance-refreshes',
    '--auto-scaling-group-name',
    asgName,
    '--max-records',
    '1',
    ...region,
  ]).InstanceRefreshes[0];
  let urls: { siteUrl?: string; apiUrl?: string } = {};
  try {
    urls = await outputs();
  } catch {
    // Not deployed from this machine, or no state here: the rest still stands.
  }
  return {
    alarms: alarms.map((a) => ({
      name: a.AlarmName,
      state: a.StateValue,
      ...(a.StateValue !== 'OK' && a.StateReason ? { reason: a.StateReason } : {}),
    })),
    inAlarm: alarms.filter((a) => a.StateValue === 'ALARM').length,
    instances: (group?.Instances ?? []).map((i) => ({
      id: i.InstanceId,
      lifecycle: i.LifecycleState,
      health: i.HealthStatus,
    })),
    ...(refresh
      ? {
          refresh: {
            status: refresh.Status,
            ...(refresh.PercentageComplete !== undefined ? { percent: refresh.PercentageComplete } : {}),
            ...(refresh.StatusReason ? { reason: refresh.StatusReason } : {}),
          },
        }
      : {}),
    ...urls,
  };
}

export function renderStatus(s: Status): string {
  const healthy = s.instances.filter((i) => i.lifecycle === 'InService' && i.health === 'Healthy').length;
  const lines = [
    `site  ${s.siteUrl ?? '(unknown: no outputs here)'}`,
    `api   ${s.apiUrl ?? '(unknown: no outputs here)'}`,
    `hosts ${healthy} of ${s.instances.length} in service and healthy${s.instances.length ? `: ${s.instances.map((i) => `${i.id} ${i.lifecycle}/${i.health}`).join(', ')}` : ''}`,
    `refresh ${s.refresh ? `${s.refresh.status}${s.refresh.percent !== undefined ? ` ${s.refresh.percent}%` : ''}${s.refresh.reason ? ` (${s.refresh.reason})` : ''}` : 'none yet'}`,
    `alarms ${s.alarms.length}: ${s.inAlarm} in ALARM, ${s.alarms.filter((a) => a.state === 'INSUFFICIENT_DATA').length} without data`,
  ];
  for (const a of [...s.alarms].sort((x, y) => (x.state === 'ALARM' ? -1 : y.state === 'ALARM' ? 1 : 0))) {
    if (a.state !== 'OK') lines.push(`  ${a.state.padEnd(17)} ${a.name}${a.reason ? `: ${a.reason}` : ''}`);
  }
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = strictArgs(process.argv.slice(2), { json: { type: 'boolean' } }, USAGE);
  try {
    checkAwsCli();
    const status = await gather();
    console.log(values.json ? JSON.stringify(status, null, 2) : renderStatus(status));
    return status.inAlarm > 0 ? EXIT.failed : EXIT.ok;
  } catch (err) {
    if (!(err instanceof AwsCliError)) throw err;
    console.error(err.message);
    return EXIT.failed;
  }
}

if (require.main === module) runMain(main);
