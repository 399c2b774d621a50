/**
 * `terraform test` files for the synthesized stacks: the AWS provider mocked, every value another
 * stack provides given as a readable stand-in (`<aws_dynamodb_table.students-table.name>`), and
 * assertions over expressions as Terraform evaluates them: the user data decoded, cross-stack
 * values where they belong, and the resources each configuration switches on.
 */
import { API_STAGE } from '../../core/contract';
import type { DeploymentConfig } from '../../stacks/config';
import { crossStack, hclString, type Json, known, remoteStateOverrides, run } from './hcl';
import { frontendRuns } from './mock-plan-frontend';

const MOCK_ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d', 'zone-e', 'zone-f'];

function networkRuns(config: DeploymentConfig): string[] {
  const idx = [...Array(config.azCount).keys()];
  const publicSubnets = `[${idx.map((i) => `aws_subnet.public-subnet-${i}`).join(', ')}]`;
  const natCount = config.natMode === 'per-az' ? config.azCount : config.natMode === 'single' ? 1 : 0;
  const asserts: [string, string][] = [
    [
      `length(distinct([for s in ${publicSubnets} : s.availability_zone])) == ${config.azCount}`,
      'each public subnet is in a zone of its own',
    ],
    [
      `aws_subnet.private-subnet-0.availability_zone == ${hclString(MOCK_ZONES[0]!)}`,
      'subnets follow the zone list in order',
    ],
    [
      `aws_subnet.public-subnet-0.cidr_block == "10.0.0.0/24" && aws_subnet.private-subnet-0.cidr_block == "10.0.16.0/20"`,
      'the documented address plan',
    ],
    [
      `jsondecode(aws_iam_role.flow-log-role.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == data.aws_caller_identity.account.account_id`,
      'the flow-log role trusts the service only on behalf of this account',
    ],
  ];
  for (let i = 0; i < natCount; i++) {
    asserts.push([
      `aws_nat_gateway.nat-gateway-${i}.subnet_id == aws_subnet.public-subnet-${i}.id`,
      `NAT gateway ${i} sits in public subnet ${i}`,
    ]);
  }
  idx.forEach((i) => {
    if (natCount > 0) {
      const nat = config.natMode === 'per-az' ? i : 0;
      asserts.push([
        `aws_route.private-default-route-${i}.nat_gateway_id == aws_nat_gateway.nat-gateway-${nat}.id`,
        `private subnet ${i} leaves through NAT gateway ${nat}`,
      ]);
    }
  });
  const zones = `override_data {\n  target = data.aws_availability_zones.zones\n  values = { names = ${JSON.stringify(MOCK_ZONES.slice(0, Math.max(config.azCount, 3)))} }\n}`;
  const ids = [
    ...idx.map((i) => known(`aws_subnet.public-subnet-${i}`, { id: `subnet-public-${i}` })),
    ...[...Array(natCount).keys()].map((i) => known(`aws_nat_gateway.nat-gateway-${i}`, { id: `nat-${i}` })),
    known('aws_cloudwatch_log_group.flow-log-group', {
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:flow-logs',
    }),
  ];
  return [zones, ...ids, run('network', asserts)];
}

function dataRuns(stack: Json, stacks: Record<string, Json>, config: DeploymentConfig): string[] {
  const key = config.customerManagedKey ? crossStack(stack, stacks, 'aws_kms_key.data-key.arn') : undefined;
  return [
    run('table', [
      ...(key
        ? ([
            [
              `aws_dynamodb_table.students-table.server_side_encryption[0].kms_key_arn == ${key} && aws_dynamodb_table.name-words-table.server_side_encryption[0].kms_key_arn == ${key}`,
              "both tables are encrypted with the network stack's data key",
            ],
          ] as [string, string][])
        : []),
      ['aws_dynamodb_table.students-table.hash_key == "email"', 'partition key is email'],
      ['aws_dynamodb_table.students-table.point_in_time_recovery[0].enabled', 'point-in-time recovery is on'],
      [
        `aws_dynamodb_table.students-table.deletion_protection_enabled == ${config.deletionProtection}`,
        'deletion protection follows the configuration',
      ],
    ]),
  ];
}

function apiRuns(stack: Json, stacks: Record<string, Json>, config: DeploymentConfig): string[] {
  const tableName = crossStack(stack, stacks, 'aws_dynamodb_table.students-table.name');
  const tableArn = crossStack(stack, stacks, 'aws_dynamodb_table.students-table.arn');
  return [
    // Overriding a resource fills all its computed values at plan time: the ARNs must parse.
    known('aws_api_gateway_rest_api.api', {
      id: 'api-mock',
      execution_arn: 'arn:aws:execute-api:us-east-1:123456789012:api-mock',
      arn: 'arn:aws:apigateway:us-east-1::/restapis/api-mock',
    }),
    known('aws_cloudwatch_log_group.signup-students-logs', {
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:signup-students',
    }),
    run('api', [
      [
        `aws_lambda_function.list-students.environment[0].variables.TABLE_NAME == ${tableName}`,
        'list-students reads the data stack table',
      ],
      [
        `aws_lambda_function.signup-students.environment[0].variables.TABLE_NAME == ${tableName}`,
        'signup-students writes the data stack table',
      ],
      [
        `jsondecode(aws_iam_role_policy.signup-students-policy.policy).Statement[0].Resource == ${tableArn}`,
        'the signup role is scoped to that table',
      ],
      [`aws_api_gateway_stage.stage.stage_name == "${API_STAGE}"`, 'the reference stage name'],
      [
        `aws_cloudwatch_log_group.execution-log-group.name == "API-Gateway-Execution-Logs_api-mock/${API_STAGE}"`,
        'the execution log group is the one API Gateway writes to',
      ],
      [
        `aws_cloudwatch_log_group.execution-log-group.retention_in_days == ${config.logRetentionDays}`,
        'execution logs are kept for the configured time',
      ],
      [
        'length(aws_api_gateway_deployment.deployment.triggers.redeployment) == 40',
        'the deployment follows a hash of the definitions',
      ],
    ]),
  ];
}

function accountRuns(): string[] {
  return [
    known('aws_iam_role.apigateway-cloudwatch-role', { arn: 'arn:aws:iam::123456789012:role/apigateway-cloudwatch' }),
    run('account', [
      [
        'aws_api_gateway_account.apigateway-account.cloudwatch_role_arn == aws_iam_role.apigateway-cloudwatch-role.arn',
        'the account uses the role',
      ],
      [
        `jsondecode(aws_iam_role.apigateway-cloudwatch-role.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == data.aws_caller_identity.account.account_id`,
        'API Gateway may assume the role only for this account',
      ],
    ]),
  ];
}

function monitoringRuns(stack: Json, stacks: Record<string, Json>): string[] {
  const topic = 'arn:aws:sns:us-east-1:123456789012:alarms-mock';
  const alarms = Object.keys(stack.resource.aws_cloudwatch_metric_alarm ?? {});
  return [
    known('aws_sns_topic.alarm-topic', { arn: topic }),
    known('aws_kms_key.alarm-key', { arn: 'arn:aws:kms:us-east-1:123456789012:key/mock', key_id: 'mock' }),
    run('monitoring', [
      [
        `alltrue([for a in [${alarms.map((a) => `aws_cloudwatch_metric_alarm.${a}`).join(', ')}] : contains(a.alarm_actions, "${topic}")])`,
        'every alarm notifies the topic',
      ],
      [
        `aws_cloudwatch_metric_alarm.api-5xx.dimensions.ApiName == ${crossStack(stack, stacks, 'aws_api_gateway_rest_api.api.name')}`,
        "the API alarms watch the API stack's API",
      ],
      [
        `aws_cloudwatch_metric_alarm.alb-5xx.dimensions.LoadBalancer == ${crossStack(stack, stacks, 'aws_lb.alb.arn_suffix')}`,
        "the load balancer alarms watch the frontend stack's load balancer",
      ],
      [
        `aws_cloudwatch_metric_alarm.table-throttles-putitem.dimensions.TableName == ${crossStack(stack, stacks, 'aws_dynamodb_table.students-table.name')}`,
        "the table alarms watch the data stack's table",
      ],
      [
        'aws_sns_topic.alarm-topic.kms_master_key_id == aws_kms_key.alarm-key.arn',
        'the topic is encrypted with its own key',
      ],
      [
        `aws_autoscaling_notification.asg-notifications.topic_arn == "${topic}"`,
        'Auto Scaling launch and terminate errors reach the topic',
      ],
    ]),
  ];
}

/** The test file for one synthesized stack. */
export function mockPlanTest(stackName: string, stacks: Record<string, Json>, config: DeploymentConfig): string {
  const stack = stacks[stackName];
  if (!stack) throw new Error(`${stackName} was not synthesized`);
  const tier = stackName.split('-').at(-1);
  const blocks = stackName.includes('-account-')
    ? accountRuns()
    : tier === 'network'
      ? networkRuns(config)
      : tier === 'data'
        ? dataRuns(stack, stacks, config)
        : tier === 'api'
          ? apiRuns(stack, stacks, config)
          : tier === 'monitoring'
            ? monitoringRuns(stack, stacks)
            : frontendRuns(stack, stacks, config);
  return [
    '# Generated by scripts/terraform/mock-plans.ts for `npm run validate`.',
    '# The provider is mocked, no AWS is called; computed values stay unknown unless overridden below.',
    'mock_provider "aws" {}',
    // A provider for another region (the backup copy's) is mocked under its alias too.
    ...((stack.provider?.aws ?? []) as { alias?: string }[])
      .filter((p) => p.alias)
      .map((p) => `mock_provider "aws" {\n  alias = "${p.alias}"\n}`),
    ...remoteStateOverrides(stack, stacks),
    ...blocks,
    '',
  ].join('\n\n');
}
