import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { Construct } from 'constructs';
import type { AlarmTargets } from '../alarm-specs';

/** Props of the environment's dashboard. */
export interface DashboardProps {
  /** The dashboard's name. */
  readonly dashboardName: string;
  readonly region: string;
  /** The resources it charts, as Terraform references. */
  readonly targets: AlarmTargets;
}

type Metric = (string | Record<string, string>)[];

/**
 * One dashboard per environment, laid out as the architecture diagram: requests and errors by
 * tier, latency, the table's capacity and throttles, and the healthy hosts.
 */
export class Dashboard extends Construct {
  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const t = props.targets;
    const lb = ['LoadBalancer', t.loadBalancerArnSuffix];
    const api = ['ApiName', t.apiName, 'Stage', t.stageName];
    const fns = Object.values(t.functionNames);
    const widget = (title: string, metrics: Metric[], x: number, y: number, stat = 'Sum') => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, stat, period: 60, view: 'timeSeries', metrics },
    });
    const body = {
      widgets: [
        widget(
          'Site: requests and 5xx (load balancer)',
          [
            ['AWS/ApplicationELB', 'RequestCount', ...lb],
            ['.', 'HTTPCode_ELB_5XX_Count', ...lb],
            ['.', 'HTTPCode_Target_5XX_Count', ...lb],
          ],
          0,
          0,
        ),
        widget(
          'API: requests, 4xx and 5xx',
          [
            ['AWS/ApiGateway', 'Count', ...api],
            ['.', '4XXError', ...api],
            ['.', '5XXError', ...api],
          ],
          12,
          0,
        ),
        widget(
          'Latency p99: pages (s) and API (ms)',
          [
            ['AWS/ApplicationELB', 'TargetResponseTime', ...lb, { stat: 'p99' }],
            ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p99', yAxis: 'right' }],
          ],
          0,
          6,
          'p99',
        ),
        widget(
          'Functions: errors, throttles and duration p99',
          fns.flatMap((f) => [
            ['AWS/Lambda', 'Errors', 'FunctionName', f],
            ['.', 'Throttles', 'FunctionName', f],
            ['.', 'Duration', 'FunctionName', f, { stat: 'p99', yAxis: 'right' }],
          ]),
          12,
          6,
        ),
        widget(
          'Table: consumed capacity and throttles',
          [
            ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', t.tableName],
            ['.', 'ConsumedWriteCapacityUnits', 'TableName', t.tableName],
            ['.', 'ReadThrottleEvents', 'TableName', t.tableName],
            ['.', 'WriteThrottleEvents', 'TableName', t.tableName],
          ],
          0,
          12,
        ),
        widget(
          'Hosts: healthy, unhealthy, in service',
          [
            ['AWS/ApplicationELB', 'HealthyHostCount', 'TargetGroup', t.targetGroupArnSuffix, ...lb],
            ['.', 'UnHealthyHostCount', 'TargetGroup', t.targetGroupArnSuffix, ...lb],
            ['AWS/AutoScaling', 'GroupInServiceInstances', 'AutoScalingGroupName', t.autoScalingGroupName],
          ],
          12,
          12,
          'Maximum',
        ),
      ],
    };
    new CloudwatchDashboard(this, 'dashboard', {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify(body),
    }).overrideLogicalId('dashboard');
  }
}
