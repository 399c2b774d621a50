/**
 * `terraform test` files for the synthesized stacks: the AWS provider mocked, every value another
 * stack provides given as a readable stand-in (`<aws_dynamodb_table.students-table.name>`), and
 * assertions over expressions as Terraform evaluates them: the user data decoded, cross-stack
 * values where they belong, and the resources each configuration switches on.
 */
import { API_STAGE, NODE_MAJOR } from '../../lambdas/shared/contract';
import type { DeploymentConfig } from '../../stacks/config';
import { APP_PORT, ARTIFACT_PREFIX } from '../../stacks/frontend-stack';
import { ELB_ACCOUNT_REGIONS } from '../../stacks/load-balancer';
import { plainUserData } from '../../stacks/user-data';

// biome-ignore lint/suspicious/noExplicitAny: synthesized Terraform JSON, read by shape
type Json = Record<string, any>;

/** An HCL string literal: JSON's escapes, plus Terraform's template escapes. */
export function hclString(value: string): string {
  return JSON.stringify(value)
    .replace(/\$\{/g, () => '$${')
    .replace(/%\{/g, () => '%%{');
}

const REMOTE_PREFIX = 'cross-stack-reference-input-';
/** The bucket and artifact version the frontend's mock plan gives its artifact. */
export const MOCK_ARTIFACT_BUCKET = 'students-artifacts-mock';
export const MOCK_ARTIFACT_VERSION = 'version-mock';
const MOCK_ZONES = ['zone-a', 'zone-b', 'zone-c', 'zone-d', 'zone-e', 'zone-f'];

/** The stand-in for a value another stack outputs: the producing expression, in angle brackets. */
export function standIn(expression: string): string {
  return `<${expression.replace(/^\$\{(.*)\}$/, '$1')}>`;
}

function remoteStateOverrides(stack: Json, stacks: Record<string, Json>): string[] {
  return Object.keys(stack.data?.terraform_remote_state ?? {}).map((name) => {
    const producer = stacks[name.slice(REMOTE_PREFIX.length)];
    if (!producer) throw new Error(`remote state ${name} names no synthesized stack`);
    const outputs = Object.entries((producer.output ?? {}) as Record<string, Json>)
      .map(([output, body]) => `      ${hclString(output)} = ${hclString(standIn(String(body.value)))}`)
      .join('\n');
    return `override_data {\n  target = data.terraform_remote_state.${name}\n  values = {\n    outputs = {\n${outputs}\n    }\n  }\n}`;
  });
}

/** Known values for computed attributes at plan time, so assertions can compare them. */
function known(address: string, values: Record<string, string | Record<string, string>>): string {
  const body = Object.entries(values)
    .map(
      ([k, v]) =>
        `${k} = ${
          typeof v === 'string'
            ? hclString(v)
            : `{ ${Object.entries(v)
                .map(([a, b]) => `${a} = ${hclString(b)}`)
                .join(', ')} }`
        }`,
    )
    .join(', ');
  return `override_resource {\n  target = ${address}\n  override_during = plan\n  values = { ${body} }\n}`;
}

function run(name: string, asserts: [condition: string, message: string][]): string {
  const body = asserts
    .map(([c, m]) => `  assert {\n    condition     = ${c}\n    error_message = ${hclString(m)}\n  }`)
    .join('\n');
  return `run ${hclString(name)} {\n  command = plan\n${body}\n}`;
}

/** A reference to what another stack outputs, as the consumer's remote state sees it. */
function crossStack(stack: Json, stacks: Record<string, Json>, producerExpression: string): string {
  for (const name of Object.keys(stack.data?.terraform_remote_state ?? {})) {
    const producer = stacks[name.slice(REMOTE_PREFIX.length)];
    for (const body of Object.values((producer?.output ?? {}) as Record<string, Json>)) {
      if (String(body.value) === `\${${producerExpression}}`) return hclString(standIn(producerExpression));
    }
  }
  throw new Error(`no stack outputs ${producerExpression}`);
}

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

function dataRuns(config: DeploymentConfig): string[] {
  return [
    run('table', [
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

function frontendRuns(stack: Json, stacks: Record<string, Json>, config: DeploymentConfig): string[] {
  const object = stack.resource.aws_s3_object['frontend-artifact'];
  const expectedUserData = plainUserData({
    artifactBucket: MOCK_ARTIFACT_BUCKET,
    artifactKey: String(object.key),
    artifactVersion: MOCK_ARTIFACT_VERSION,
    region: config.region,
    apiEndpoint: `${standIn('aws_api_gateway_stage.stage.invoke_url')}/student`,
    appPort: APP_PORT,
    nodeMajor: NODE_MAJOR,
  });
  const subnetKind = config.natMode === 'none' ? 'public' : 'private';
  const subnets = [...Array(config.azCount).keys()].map((i) =>
    crossStack(stack, stacks, `aws_subnet.${subnetKind}-subnet-${i}.id`),
  );
  const overrides = [
    known('aws_s3_bucket.artifact-bucket', {
      bucket: MOCK_ARTIFACT_BUCKET,
      arn: `arn:aws:s3:::${MOCK_ARTIFACT_BUCKET}`,
    }),
    known('aws_s3_object.frontend-artifact', { version_id: MOCK_ARTIFACT_VERSION }),
    known('aws_s3_bucket.alb-log-bucket', { bucket: 'alb-logs-mock', arn: 'arn:aws:s3:::alb-logs-mock' }),
    known('aws_lb.alb', {
      dns_name: 'alb-mock.elb.example',
      zone_id: 'ZALBMOCK',
      arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mock/0123456789abcdef',
      arn_suffix: 'app/mock/0123456789abcdef',
    }),
    ...(config.amiId ? [] : [known('terraform_data.ami', { output: { image_id: 'ami-recorded' } })]),
  ];
  const lt = 'aws_launch_template.launch-template';
  const asserts: [string, string][] = [
    [
      `base64decode(${lt}.user_data) == ${hclString(expectedUserData)}`,
      'the user data is ec2-frontend/deploy/user-data.sh with the values filled in',
    ],
    [
      `toset(aws_autoscaling_group.asg.vpc_zone_identifier) == toset([${subnets.join(', ')}])`,
      `the instances run in the ${subnetKind} subnets`,
    ],
    [
      `${lt}.network_interfaces[0].associate_public_ip_address == "${config.natMode === 'none'}"`,
      'public addresses only without NAT',
    ],
    [
      'aws_autoscaling_group.asg.instance_refresh[0].preferences[0].min_healthy_percentage == 100 && aws_autoscaling_group.asg.instance_refresh[0].preferences[0].max_healthy_percentage == 200',
      'a refresh launches before it terminates',
    ],
    ['aws_autoscaling_group.asg.instance_refresh[0].preferences[0].auto_rollback', 'a failed refresh rolls back'],
    [
      `contains(jsondecode(aws_iam_role_policy.instance-role-artifact.policy).Statement[0].Action, "s3:GetObjectVersion") && jsondecode(aws_iam_role_policy.instance-role-artifact.policy).Statement[0].Resource == "arn:aws:s3:::${MOCK_ARTIFACT_BUCKET}/${ARTIFACT_PREFIX}*"`,
      'instances may read every kept version of the artifact, for rollbacks',
    ],
    [
      config.amiId
        ? `${lt}.image_id == ${hclString(config.amiId)}`
        : `${lt}.image_id == terraform_data.ami.output["image_id"]`,
      config.amiId ? 'the pinned AMI' : 'the AMI recorded at the first deploy',
    ],
  ];
  const logPolicy = 'jsondecode(aws_s3_bucket_policy.alb-log-bucket-policy.policy).Statement[1].Principal';
  asserts.push(
    ELB_ACCOUNT_REGIONS.has(config.region)
      ? [`${logPolicy}.AWS == data.aws_elb_service_account.elb-account.arn`, 'log delivery by the regional ELB account']
      : [
          `${logPolicy}.Service == "logdelivery.elasticloadbalancing.amazonaws.com"`,
          'log delivery by the service principal in newer regions',
        ],
  );
  if (config.certificateArn) {
    asserts.push(
      [
        `aws_lb_listener.https-listener.port == 443 && aws_lb_listener.https-listener.certificate_arn == ${hclString(config.certificateArn)}`,
        'HTTPS with the certificate',
      ],
      ['aws_lb_listener.http-listener.default_action[0].redirect[0].protocol == "HTTPS"', 'HTTP redirects to HTTPS'],
    );
  }
  if (config.domainName) {
    asserts.push([`output.site_url == "https://${config.domainName}"`, "the site URL is the certificate's name"]);
  }
  if (config.hostedZoneId) {
    asserts.push([
      'aws_route53_record.site-record.alias[0].name == aws_lb.alb.dns_name',
      'the DNS record points at the load balancer',
    ]);
  }
  if (config.instanceConnectEndpoint) {
    asserts.push([
      `aws_ec2_instance_connect_endpoint.instance-connect-endpoint.subnet_id == ${subnets[0]}`,
      'the Instance Connect endpoint sits in the first instance subnet',
    ]);
  }
  return [...overrides, run('frontend', asserts)];
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
        ? dataRuns(config)
        : tier === 'api'
          ? apiRuns(stack, stacks, config)
          : frontendRuns(stack, stacks, config);
  return [
    '# Generated by scripts/terraform/mock-plans.ts for `npm run validate`.',
    '# The provider is mocked, no AWS is called; computed values stay unknown unless overridden below.',
    'mock_provider "aws" {}',
    ...remoteStateOverrides(stack, stacks),
    ...blocks,
    '',
  ].join('\n\n');
}
