/**
 * Which frontend instance to reach: in service, healthy for the load balancer, online in SSM, and
 * not one an instance refresh is about to replace (it runs the group's current template version).
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
    LaunchTemplate?: { Version?: string };
    Instances?: AsgInstance[];
  }[];
}
export interface SsmInformation {
  InstanceInformationList: { InstanceId: string; PingStatus: string }[];
}

/** The instances that qualify, best first, or an error that says why none does. */
export function pickInstance(description: AsgDescription, ssm: SsmInformation, asgName: string): string {
  const group = description.AutoScalingGroups.find((g) => g.AutoScalingGroupName === asgName);
  if (!group)
    throw new Error(`Auto Scaling group ${asgName} not found: is the frontend stack deployed in this region?`);
  const online = new Set(ssm.InstanceInformationList.filter((i) => i.PingStatus === 'Online').map((i) => i.InstanceId));
  const all = group.Instances ?? [];
  const ready = all.filter(
    (i) => i.LifecycleState === 'InService' && i.HealthStatus === 'Healthy' && online.has(i.InstanceId),
  );
  // During a refresh, instances on an older template version are the ones being replaced.
  const current = group.LaunchTemplate?.Version;
  const staying = ready.filter((i) => !current || !i.LaunchTemplate?.Version || i.LaunchTemplate.Version === current);
  const chosen = staying[0] ?? ready[0];
  if (!chosen) {
    const seen = all.map(
      (i) =>
        `${i.InstanceId} ${i.LifecycleState}/${i.HealthStatus}/ssm ${online.has(i.InstanceId) ? 'Online' : 'not online'}`,
    );
    throw new Error(
      `${asgName} has no in-service, healthy instance that SSM reports online (${seen.join(', ') || 'no instances'}). See the runbook, "SSM agent not connected".`,
    );
  }
  return chosen.InstanceId;
}

/** Asks the AWS CLI about the environment's group and SSM, and picks an instance. */
export function findInstance(config: DeploymentConfig): string {
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
