/**
 * `npm run status`: the environment on one screen: every alarm's state, the instances and their
 * health, the Auto Scaling group's latest instance refresh, and the site's and API's URLs. Each
 * part is asked for on its own: one that AWS does not answer (throttled, no credentials) is named,
 * and the rest is shown. Exits 1 when an alarm is in ALARM or fewer instances than the group's
 * minimum are in service and healthy, else 7 when any part could not be read, else 0.
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
  /** In service and healthy for the load balancer. */
  readonly healthy: number;
  /** The group's minimum size: fewer healthy than this is an outage in the making. */
  readonly minSize?: number;
  /** The parts AWS did not answer, with its error. */
  readonly unavailable: { part: 'alarms' | 'instances' | 'refresh'; error: string }[];
  readonly refresh?: { status: string; percent?: number; reason?: string };
  readonly siteUrl?: string;
  readonly apiUrl?: string;
}

export async function gather(env: NodeJS.ProcessEnv = process.env): Promise<Status> {
  const config = loadConfig(env);
  const region = ['--region', config.region];
  const unavailable: Status['unavailable'] = [];
  const ask = <T>(part: Status['unavailable'][number]['part'], args: string[], none: T): T => {
    try {
      return awsJson<T>([...args, ...region]);
    } catch (err) {
      if (!(err instanceof AwsCliError)) throw err;
      unavailable.push({ part, error: err.message });
      return none;
    }
  };
  const alarms = ask<Alarms>(
    'alarms',
    ['cloudwatch', 'describe-alarms', '--alarm-name-prefix', `${prefixOf(config)}-`],
    { MetricAlarms: [] },
  ).MetricAlarms;
  const asgName = nameOf(config, 'frontend');
  const group = ask<AsgDescription>(
    'instances',
    ['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', asgName],
    { AutoScalingGroups: [] },
  ).AutoScalingGroups[0];
  const refresh = ask<Refreshes>(
    'refresh',
    ['autoscaling', 'describe-instance-refreshes', '--auto-scaling-group-name', asgName, '--max-records', '1'],
    { InstanceRefreshes: [] },
  ).InstanceRefreshes[0];
  let urls: { siteUrl?: string; apiUrl?: string } = {};
  try {
    urls = await outputs();
  } catch {
    // Not deployed from this machine, or no state here: the rest still stands.
  }
  const instances = (group?.Instances ?? []).map((i) => ({
    id: i.InstanceId,
    lifecycle: i.LifecycleState,
    health: i.HealthStatus,
  }));
  return {
    alarms: alarms.map((a) => ({
      name: a.AlarmName,
      state: a.StateValue,
      ...(a.StateValue !== 'OK' && a.StateReason ? { reason: a.StateReason } : {}),
    })),
    inAlarm: alarms.filter((a) => a.StateValue === 'ALARM').length,
    instances,
    healthy: instances.filter((i) => i.lifecycle === 'InService' && i.health === 'Healthy').length,
    ...(group?.MinSize !== undefined ? { minSize: group.MinSize } : {}),
    unavailable,
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

/** Whether the environment is known to be in trouble: an alarm firing, or too few healthy hosts. */
export function inTrouble(s: Status): boolean {
  return s.inAlarm > 0 || (s.minSize !== undefined && s.healthy < s.minSize);
}

export function statusExit(s: Status): number {
  return inTrouble(s) ? EXIT.failed : s.unavailable.length > 0 ? EXIT.unanswered : EXIT.ok;
}

export function renderStatus(s: Status): string {
  const missing = (part: Status['unavailable'][number]['part']) =>
    s.unavailable.find((u) => u.part === part)?.error.replace(/\s+/g, ' ');
  const below = s.minSize !== undefined && s.healthy < s.minSize ? ` BELOW THE GROUP'S MINIMUM OF ${s.minSize}` : '';
  const lines = [
    `site  ${s.siteUrl ?? '(unknown: no outputs here)'}`,
    `api   ${s.apiUrl ?? '(unknown: no outputs here)'}`,
    missing('instances')
      ? `hosts (unknown: ${missing('instances')})`
      : `hosts ${s.healthy} of ${s.instances.length} in service and healthy${below}${s.instances.length ? `: ${s.instances.map((i) => `${i.id} ${i.lifecycle}/${i.health}`).join(', ')}` : ''}`,
    missing('refresh')
      ? `refresh (unknown: ${missing('refresh')})`
      : `refresh ${s.refresh ? `${s.refresh.status}${s.refresh.percent !== undefined ? ` ${s.refresh.percent}%` : ''}${s.refresh.reason ? ` (${s.refresh.reason})` : ''}` : 'none yet'}`,
    missing('alarms')
      ? `alarms (unknown: ${missing('alarms')})`
      : `alarms ${s.alarms.length}: ${s.inAlarm} in ALARM, ${s.alarms.filter((a) => a.state === 'INSUFFICIENT_DATA').length} without data`,
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
    return statusExit(status);
  } catch (err) {
    if (!(err instanceof AwsCliError)) throw err;
    console.error(err.message);
    return EXIT.unanswered;
  }
}

if (require.main === module) runMain(main);
