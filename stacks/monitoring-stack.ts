import { AutoscalingNotification } from '@cdktf/provider-aws/lib/autoscaling-notification';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { type AlarmTargets, alarmSpecs } from './alarm-specs';
import { AlarmTopic } from './constructs/alarm-topic';
import { prefixOf } from './config';
import { Dashboard } from './constructs/dashboard';
import { MetricAlarms } from './constructs/metric-alarms';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';

/** Where alarm descriptions point (the runbook in this repository). */
export const RUNBOOK_URL = 'docs/RUNBOOK.md';

/** Props of the monitoring stack. */
export interface MonitoringStackProps extends StudentsStackProps {
  /** The resources to watch, as references from the stacks that own them. */
  readonly targets: AlarmTargets;
}

/**
 * What tells the ops team that something broke: an alarm per production-critical metric of every
 * tier, all notifying one encrypted topic (and the configured email), Auto Scaling launch and
 * terminate failures on the same topic, and the environment's dashboard.
 */
export class MonitoringStack extends EnvironmentStack {
  public readonly topicArn: string;
  public readonly alarmNames: string[];

  constructor(scope: Construct, props: MonitoringStackProps) {
    super(scope, 'monitoring', props);
    const { config } = props;
    const namePrefix = prefixOf(config);
    const topic = new AlarmTopic(this, 'alarm-topic', {
      namePrefix,
      region: config.region,
      email: config.alarmEmail,
      preventDestroy: config.deletionProtection,
    });
    const alarms = new MetricAlarms(this, 'alarms', {
      namePrefix,
      topicArn: topic.topicArn,
      periodSeconds: config.alarms.periodSeconds,
      alarms: alarmSpecs(props.targets, config.alarms),
      runbookUrl: RUNBOOK_URL,
    });
    new AutoscalingNotification(this, 'asg-notifications', {
      groupNames: [props.targets.autoScalingGroupName],
      notifications: ['autoscaling:EC2_INSTANCE_LAUNCH_ERROR', 'autoscaling:EC2_INSTANCE_TERMINATE_ERROR'],
      topicArn: topic.topicArn,
    }).overrideLogicalId('asg-notifications');
    new Dashboard(this, 'dashboard', { dashboardName: namePrefix, region: config.region, targets: props.targets });

    this.topicArn = topic.topicArn;
    this.alarmNames = alarms.alarmNames;
    new TerraformOutput(this, 'alarm_topic_arn', {
      value: topic.topicArn,
      description: 'Subscribe here to be told when an alarm fires',
    });
    new TerraformOutput(this, 'dashboard_url', {
      value: `https://${config.region}.console.aws.amazon.com/cloudwatch/home?region=${config.region}#dashboards:name=${namePrefix}`,
    });
  }
}
