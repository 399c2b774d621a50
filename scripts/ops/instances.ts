/**
 * Which frontend instance to reach: in service, healthy for the load balancer, online in SSM, and
 * not one an instance refresh is about to replace (it runs the group's current template version).
 * When none is healthy, one that SSM still reaches is offered with a warning: that is exactly when
 * an operator needs a shell.
 */
import { type DeploymentConfig, nameOf } from '../../stacks/config';
import { awsJson } from './aws';

interface AsgInstance {
  InstanceId: string;
  LifecycleState: string;
  HealthStatus: string;
  LaunchTemplate?: { Version?: string };
}
export interface AsgDescription {
  AutoScalingGroups: {
    AutoScalingGroupName: string;
    MinSize?: number;
    LaunchTemplate?: { Version?: string };
    Instances?: AsgInstance[];
  }[];
}
export interface SsmInformation {
  InstanceInformationList: { InstanceId: string; PingStatus: string }[];
}

/** The instance to reach, and a warning when it is not a healthy one. */
export interface Pick {
  readonly instance: string;
  readonly warning?: string;
}

const describe = (i: AsgInstance, online: Set<string>) =>
  `${i.InstanceId} ${i.LifecycleState}/${i.HealthStatus}/ssm ${online.has(i.InstanceId) ? 'Online' : 'not online'}`;

/** The best instance to reach, or an error that says why none can be reached. */
export function pickInstance(description: AsgDescription, ssm: SsmInformation, asgName: string): Pick {
  const group = description.AutoScalingGroups.find((g) => g.AutoScalingGroupName === asgName);
  if (!group)
    throw new Error(`Auto Scaling group ${asgName} not found: is the frontend stack deployed in this region?`);
  const online = new Set(ssm.InstanceInformationList.filter((i) => i.PingStatus === 'Online').map((i) => i.InstanceId));
  const all = group.Instances ?? [];
  const reachable = all.filter((i) => online.has(i.InstanceId) && !/^Terminat/.test(i.LifecycleState));
  const ready = reachable.filter((i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy');
  // During a refresh, instances on an older template version are the ones being replaced.
  const current = group.LaunchTemplate?.Version;
  const staying = ready.filter((i) => !current || !i.LaunchTemplate?.Version || i.LaunchTemplate.Version === current);
  const chosen = staying[0] ?? ready[0];
  if (chosen) return { instance: chosen.InstanceId };
  const seen = all.map((i) => describe(i, online)).join(', ') || 'no instances';
  const fallback = reachable.find((i) => i.LifecycleState === 'InService') ?? reachable[0];
  if (fallback)
    return {
      instance: fallback.InstanceId,
      warning: `No healthy instance in ${asgName} (${seen}). Connecting to ${describe(fallback, online)} to diagnose it; the load balancer sends it no traffic. Another one: --instance <id>.`,
    };
  throw new Error(
    `${asgName} has no instance that SSM reports online (${seen}), so neither a session nor SSH can reach one. See the runbook, "SSM agent not connected"; --instance <id> names one to try anyway.`,
  );
}

/** Asks the AWS CLI about the environment's group and SSM, and picks an instance. */
export function findInstance(config: DeploymentConfig): Pick {
  const asgName = nameOf(config, 'frontend');
  const region = ['--region', config.region];
  const description = awsJson<AsgDescription>([
    'autoscaling',
    'describe-auto-scaling-groups',
    '--auto-scaling-group-names',
    asgName,
    ...region,
  ]);
  const ids = (description.AutoScalingGroups[0]?.Instances ?? []).map((i) => i.InstanceId);
  const ssm =
    ids.length === 0
      ? { InstanceInformationList: [] }
      : awsJson<SsmInformation>([
          'ssm',
          'describe-instance-information',
          '--filters',
          `Key=InstanceIds,Values=${ids.join(',')}`,
          ...region,
        ]);
  return pickInstance(description, ssm, asgName);
}
