import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { Construct } from 'constructs';

/** One alarm: a metric, its dimensions (Terraform references), a threshold, and what to check first. */
export interface AlarmSpec {
  /** Address and name suffix: `aws_cloudwatch_metric_alarm.<slug>`, `students-<env>-<slug>`. */
  readonly slug: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension values are references to the resources' attributes, never literal names. */
  readonly dimensions: Readonly<Record<string, string>>;
  /** `Sum`, `Average`, `Maximum`, `Minimum`, or a percentile such as `p99`. */
  readonly statistic: string;
  readonly comparison: 'GreaterThanThreshold' | 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /** What the alarm means and what to check first; the runbook section follows. */
  readonly check: string;
  /** The runbook section's anchor. */
  readonly runbook: string;
  /** Seconds in one period, for a metric published less often than the others. @default the set's period */
  readonly periodSeconds?: number;
  /** @default 'notBreaching': no data is no problem */
  readonly missingData?: 'notBreaching' | 'breaching' | 'missing';
}

/** Props of a set of alarms that all notify one topic. */
export interface MetricAlarmsProps {
  /** Physical names: `<namePrefix>-<slug>`. */
  readonly namePrefix: string;
  /** Notified when an alarm fires and when it clears. */
  readonly topicArn: string;
  /** Seconds in one period, for every alarm. */
  readonly periodSeconds: number;
  readonly alarms: readonly AlarmSpec[];
  /** Where the runbook is, for the links in the descriptions. */
  readonly runbookUrl: string;
}

/** CloudWatch alarms from specs: each with an action, a description that says where to look, and a runbook link. */
export class MetricAlarms extends Construct {
  public readonly alarmNames: string[] = [];

  constructor(scope: Construct, id: string, props: MetricAlarmsProps) {
    super(scope, id);
    for (const spec of props.alarms) {
      const percentile = /^p\d+(\.\d+)?$/.test(spec.statistic);
      const alarm = new CloudwatchMetricAlarm(this, spec.slug, {
        alarmName: `${props.namePrefix}-${spec.slug}`,
        alarmDescription: `${spec.check} Runbook: ${props.runbookUrl}#${spec.runbook}`,
        namespace: spec.namespace,
        metricName: spec.metricName,
        dimensions: { ...spec.dimensions },
        ...(percentile ? { extendedStatistic: spec.statistic } : { statistic: spec.statistic }),
        comparisonOperator: spec.comparison,
        threshold: spec.threshold,
        period: spec.periodSeconds ?? props.periodSeconds,
        evaluationPeriods: spec.evaluationPeriods,
        treatMissingData: spec.missingData ?? 'notBreaching',
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
      alarm.overrideLogicalId(spec.slug);
      this.alarmNames.push(alarm.alarmName);
    }
  }
}
