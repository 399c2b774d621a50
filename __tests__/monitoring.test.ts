/**
 * The monitoring stack over the synthesized Terraform: every alarm notifies the encrypted topic,
 * watches a resource by reference (never a literal name), uses a metric the service documents,
 * and links a runbook section that exists; every production-critical metric has an alarm.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../stacks/config';
import { CONFIGURATIONS } from '../scripts/terraform/configurations';
import { tableOperations } from '../stacks/alarm-specs';
import { cleanupSynth, type Json, resources, synth } from './helpers/synth';

afterAll(cleanupSynth);

/**
 * Metrics each namespace documents, from the services' CloudWatch metrics pages: "CloudWatch
 * metrics for your Application Load Balancer", "Amazon API Gateway dimensions and metrics",
 * "Types of metrics for Lambda functions", "DynamoDB metrics and dimensions", "Amazon EC2 Auto
 * Scaling group metrics", "CloudWatch metrics for NAT gateways", "AWS Backup metrics with Amazon
 * CloudWatch".
 */
const DOCUMENTED: Record<string, string[]> = {
  'AWS/ApplicationELB': [
    'RequestCount',
    'HTTPCode_ELB_5XX_Count',
    'HTTPCode_Target_5XX_Count',
    'UnHealthyHostCount',
    'HealthyHostCount',
    'TargetResponseTime',
  ],
  'AWS/ApiGateway': ['Count', '4XXError', '5XXError', 'Latency', 'IntegrationLatency'],
  'AWS/Lambda': ['Errors', 'Throttles', 'Duration', 'ConcurrentExecutions', 'Invocations'],
  'AWS/DynamoDB': [
    'ThrottledRequests',
    'SystemErrors',
    'UserErrors',
    'ConsumedReadCapacityUnits',
    'ConsumedWriteCapacityUnits',
    'ReadThrottleEvents',
    'WriteThrottleEvents',
  ],
  'AWS/AutoScaling': ['GroupInServiceInstances', 'GroupDesiredCapacity'],
  'AWS/NATGateway': ['ErrorPortAllocation', 'PacketsDropCount'],
  'AWS/Backup': ['NumberOfBackupJobsFailed', 'NumberOfBackupJobsAborted', 'NumberOfCopyJobsFailed'],
};
/** The resource attribute each dimension must reference. */
const DIMENSION_SOURCES: Record<string, RegExp> = {
  LoadBalancer: /aws_lbalbarn_suffix/,
  TargetGroup: /aws_lb_target_grouptarget-grouparn_suffix/,
  ApiName: /aws_api_gateway_rest_apiapiname/,
  Stage: /aws_api_gateway_stagestagestage_name/,
  FunctionName: /aws_lambda_function(list|signup|remove)-studentsfunction_name/,
  TableName: /aws_dynamodb_tablestudents-tablename/,
  AutoScalingGroupName: /aws_autoscaling_groupasgname/,
  NatGatewayId: /aws_nat_gatewaynat-gateway-\d+id/,
  BackupVaultName: /aws_backup_vaultbackup-vaultname/,
};
/** Dimensions that name an operation, not a resource: the ones the functions' policies allow. */
const OPERATIONS = new Set(tableOperations());
/** Production-critical metrics: each must have an alarm in every configuration (NAT where there is one). */
const CRITICAL = [
  'AWS/ApplicationELB HTTPCode_ELB_5XX_Count',
  'AWS/ApplicationELB HTTPCode_Target_5XX_Count',
  'AWS/ApplicationELB UnHealthyHostCount',
  'AWS/ApplicationELB TargetResponseTime',
  'AWS/ApiGateway 5XXError',
  'AWS/ApiGateway 4XXError',
  'AWS/ApiGateway Latency',
  'AWS/Lambda Errors',
  'AWS/Lambda Throttles',
  'AWS/Lambda Duration',
  'AWS/Lambda ConcurrentExecutions',
  'AWS/DynamoDB ThrottledRequests',
  'AWS/DynamoDB SystemErrors',
  'AWS/DynamoDB UserErrors',
  'AWS/AutoScaling GroupInServiceInstances',
];

describe.each(CONFIGURATIONS.map((c) => [c.name, c.env] as const))('monitoring: %s', (name, env) => {
  const stacks = () => synth({ ...env }).stacks;
  const alarms = () => resources(stacks(), 'aws_cloudwatch_metric_alarm');

  test('every alarm notifies the alarm topic when it fires and when it clears', () => {
    expect(alarms().length).toBeGreaterThan(20);
    for (const [, address, a] of alarms()) {
      expect([address, a.alarm_actions, a.ok_actions]).toEqual([
        address,
        ['${aws_sns_topic.alarm-topic.arn}'],
        ['${aws_sns_topic.alarm-topic.arn}'],
      ]);
    }
  });

  test('every dimension is a reference to the right resource, never a literal name', () => {
    for (const [, address, a] of alarms()) {
      for (const [dim, value] of Object.entries((a.dimensions ?? {}) as Record<string, string>)) {
        if (dim === 'Operation') {
          expect([address, OPERATIONS.has(value)]).toEqual([address, true]);
          continue;
        }
        expect([address, dim, value]).toEqual([
          address,
          dim,
          expect.stringMatching(DIMENSION_SOURCES[dim] ?? /^never$/),
        ]);
        expect(value.startsWith('${')).toBe(true);
      }
    }
  });

  test("each alarm's namespace and metric are ones the service documents; each links a runbook section that exists", () => {
    const runbook = readFileSync(path.join(__dirname, '..', 'docs', 'RUNBOOK.md'), 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^## (.+)$/gm)].map((m) =>
        m[1]!
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    for (const [, address, a] of alarms()) {
      expect([address, DOCUMENTED[a.namespace]?.includes(a.metric_name)]).toEqual([address, true]);
      const anchor = /#([a-z0-9-]+)$/.exec(a.alarm_description)?.[1];
      expect([address, anchor && anchors.has(anchor)]).toEqual([address, true]);
    }
  });

  test('STUDENTS-MON-1: every production-critical metric has an alarm (NAT gateways too, where there are any)', () => {
    const alarmed = new Set(alarms().map(([, , a]) => `${a.namespace} ${a.metric_name}`));
    const hasNat = env.STUDENTS_NAT_MODE !== 'none';
    const required = [
      ...CRITICAL,
      ...(hasNat ? ['AWS/NATGateway ErrorPortAllocation', 'AWS/NATGateway PacketsDropCount'] : []),
    ];
    expect(required.filter((m) => !alarmed.has(m))).toEqual([]);
    const nats = resources(stacks(), 'aws_nat_gateway').length;
    expect(alarms().filter(([, , a]) => a.namespace === 'AWS/NATGateway')).toHaveLength(nats * 2);
  });

  test('the topic is encrypted with its own rotating key; only CloudWatch and Auto Scaling of this account publish', () => {
    const monitoring = Object.entries(stacks()).find(([n]) => n.endsWith('-monitoring'))![1] as Json;
    expect(monitoring.resource.aws_sns_topic['alarm-topic'].kms_master_key_id).toBe('${aws_kms_key.alarm-key.arn}');
    expect(monitoring.resource.aws_kms_key['alarm-key'].enable_key_rotation).toBe(true);
    const policy = JSON.parse(monitoring.resource.aws_sns_topic_policy['alarm-topic-policy'].policy);
    expect(policy.Statement[0]).toMatchObject({
      Principal: { Service: ['cloudwatch.amazonaws.com', 'autoscaling.amazonaws.com'] },
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } },
    });
    const prefix = String(monitoring.resource.aws_sns_topic['alarm-topic'].name).replace(/-alarms$/, '');
    const key = JSON.parse(monitoring.resource.aws_kms_key['alarm-key'].policy);
    const alarmsUse = key.Statement.find((s: Json) => s.Principal.Service === 'cloudwatch.amazonaws.com');
    expect(alarmsUse.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' },
      ArnLike: {
        'aws:SourceArn': `arn:aws:cloudwatch:${loadConfig({ ...env }).region}:\${data.aws_caller_identity.account.account_id}:alarm:${prefix}-*`,
      },
    });
    // No statement lets a service use the key without naming this account's alarms or role.
    expect(key.Statement.filter((s: Json) => s.Principal.Service && !s.Condition)).toEqual([]);
    expect(monitoring.resource.aws_autoscaling_notification['asg-notifications'].notifications).toEqual([
      'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
      'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
    ]);
  });

  test("the agent's log groups have the configured retention, and the instances may write only to them", () => {
    const frontend = Object.entries(stacks()).find(([n]) => n.endsWith('-frontend'))![1] as Json;
    for (const kind of ['app', 'bootstrap']) {
      expect(frontend.resource.aws_cloudwatch_log_group[`frontend-${kind}-log-group`].retention_in_days).toBe(
        loadConfig({ ...env }).logRetentionDays,
      );
    }
    expect(frontend.resource.aws_autoscaling_group.asg.enabled_metrics).toContain('GroupInServiceInstances');
  });
  void name;
});

describe('alarm settings', () => {
  test('an email subscribes to the topic; a bad address is refused naming the setting', () => {
    const stacks = synth({ STUDENTS_ALARM_EMAIL: 'ops@example.edu' }).stacks;
    expect(resources(stacks, 'aws_sns_topic_subscription')[0]?.[2]).toMatchObject({
      protocol: 'email',
      endpoint: 'ops@example.edu',
    });
    expect(resources(synth().stacks, 'aws_sns_topic_subscription')).toEqual([]);
    expect(() => loadConfig({ STUDENTS_ALARM_EMAIL: 'not-an-email' })).toThrow(/Invalid setting STUDENTS_ALARM_EMAIL/);
  });

  test('thresholds come from the preset and STUDENTS_ALARM_THRESHOLDS, each key and value checked', () => {
    expect(loadConfig({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }).alarms.api5xxRate).toBe(0.02);
    const custom = synth({ STUDENTS_ALARM_THRESHOLDS: '{"api5xxRate":0.1,"periodSeconds":300}' }).stacks;
    const api5xx = resources(custom, 'aws_cloudwatch_metric_alarm').find(([, a]) => a.endsWith('.api-5xx'))![2];
    expect([api5xx.threshold, api5xx.period]).toEqual([0.1, 300]);
    for (const bad of ['{"api5xxRate":2}', '{"nope":1}', '{"periodSeconds":7}', 'not json', '[1]']) {
      expect(() => loadConfig({ STUDENTS_ALARM_THRESHOLDS: bad })).toThrow(ConfigError);
    }
  });
});

describe('backup alarms', () => {
  const backupAlarms = (env: Record<string, string>) =>
    resources(synth(env).stacks, 'aws_cloudwatch_metric_alarm')
      .filter(([, , a]) => a.namespace === 'AWS/Backup')
      .map(([, address, a]) => [address, a.metric_name, a.dimensions, a.period, a.alarm_actions[0]]);

  test('a failed or aborted backup job, and with a copy a failed copy job, notify the alarm topic; none without backup', () => {
    expect(backupAlarms({})).toEqual([]);
    const vault = { BackupVaultName: expect.stringMatching(/aws_backup_vaultbackup-vaultname/) };
    const topic = '${aws_sns_topic.alarm-topic.arn}';
    expect(backupAlarms({ STUDENTS_BACKUP: 'true' })).toEqual([
      ['aws_cloudwatch_metric_alarm.backup-aborted', 'NumberOfBackupJobsAborted', vault, 300, topic],
      ['aws_cloudwatch_metric_alarm.backup-failed', 'NumberOfBackupJobsFailed', vault, 300, topic],
    ]);
    expect(backupAlarms({ STUDENTS_BACKUP: 'true', STUDENTS_BACKUP_COPY_REGION: 'us-west-2' }).map(([a]) => a)).toEqual(
      [
        'aws_cloudwatch_metric_alarm.backup-aborted',
        'aws_cloudwatch_metric_alarm.backup-copy-failed',
        'aws_cloudwatch_metric_alarm.backup-failed',
      ],
    );
  });
});
