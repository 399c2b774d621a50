/**
 * The synthesized Terraform: the architecture and its wiring, pinned addresses, no machine
 * paths, backends, and configuration errors. No AWS and no `terraform init`.
 */
import { API_RESOURCE, API_STAGE, CORS_HEADERS, FUNCTION_TABLE_ACTIONS, STUDENTS_TABLE } from '../core/contract';
import { STUDENT_REQUEST_SCHEMA } from '../core/student';
import { ConfigError, loadConfig } from '../stacks/config';
import { LAMBDA_RUNTIME } from '../stacks/constructs/node-function';
import { plainUserData } from '../stacks/user-data';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { TerraformResource, Testing } from 'cdktf';
import 'cdktf/lib/testing/adapters/jest'; // the matchers' types, as cdktf's own project template loads them
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../main';
import { CONFIGURATIONS } from '../scripts/terraform/configurations';
import { block, cleanupSynth, resource, synth, type Json } from './helpers/synth';
import { DIST } from '../scripts/dist';

Testing.setupJest();
afterAll(cleanupSynth);

describe("cdktf's own matchers", () => {
  test('the data and API stacks hold their key resources', () => {
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'students-matchers-'));
    try {
      const { data, api } = buildApp(loadConfig({}), { outdir, distDir: DIST });
      expect(Testing.synth(data)).toHaveResourceWithProperties(DynamodbTable, {
        hash_key: 'email',
        billing_mode: 'PAY_PER_REQUEST',
      });
      expect(Testing.synth(api)).toHaveResourceWithProperties(LambdaFunction, {
        function_name: 'students-dev-signup-students',
        runtime: LAMBDA_RUNTIME,
      });
      expect(Testing.synth(data)).not.toHaveResource(LambdaFunction);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

/** dev with local state and the account stack asked for explicitly. */
const WITH_ACCOUNT = { STUDENTS_MANAGE_APIGW_ACCOUNT: 'true' };

const STACKS = [
  'students-account-us-east-1',
  'students-dev-api',
  'students-dev-data',
  'students-dev-frontend',
  'students-dev-monitoring',
  'students-dev-network',
];

/** The API deployment's trigger after `change` edits the API stack's resources (by address name). */
function triggerAfter(change: (resources: Map<string, TerraformResource>) => void): string {
  const outdir = mkdtempSync(path.join(os.tmpdir(), 'students-trigger-'));
  try {
    const { app, api } = buildApp(loadConfig({}), { outdir, distDir: DIST });
    const byId = new Map(
      api.node
        .findAll()
        .filter((c): c is TerraformResource => c instanceof TerraformResource)
        .map((r) => [r.friendlyUniqueId, r]),
    );
    change(byId);
    app.synth();
    const json = JSON.parse(readFileSync(path.join(outdir, 'stacks', api.stackName, 'cdk.tf.json'), 'utf8'));
    return json.resource.aws_api_gateway_deployment.deployment.triggers.redeployment;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function addresses(stack: Json): string[] {
  const out: string[] = [];
  for (const [type, items] of Object.entries((stack.resource ?? {}) as Record<string, Json>))
    for (const name of Object.keys(items)) out.push(`${type}.${name}`);
  for (const [type, items] of Object.entries((stack.data ?? {}) as Record<string, Json>))
    for (const name of Object.keys(items)) out.push(`data.${type}.${name}`);
  return out.sort();
}

describe('stacks', () => {
  test('synth writes the five environment stacks, named after the environment, and the account stack with remote state', () => {
    // dev with local state leaves the account-wide stack out: one state must manage it, not one per machine.
    expect(Object.keys(synth().stacks).sort()).toEqual(STACKS.slice(1));
    expect(Object.keys(synth(WITH_ACCOUNT).stacks).sort()).toEqual(STACKS);
    expect(Object.keys(synth({ STUDENTS_STATE_BUCKET: 'acme-terraform-state' }).stacks).sort()).toEqual(STACKS);
    expect(Object.keys(synth({ STUDENTS_ENV: 'qa', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }).stacks).sort()).toEqual(
      STACKS.slice(1).map((s) => s.replace('-dev-', '-qa-')),
    );
    expect(
      Object.keys(
        synth({ STUDENTS_STATE_BUCKET: 'acme-terraform-state', STUDENTS_MANAGE_APIGW_ACCOUNT: 'false' }).stacks,
      ).sort(),
    ).toEqual(STACKS.slice(1));
  });

  test('Terraform addresses are readable and pinned (a rename must be deliberate: it destroys and recreates)', () => {
    const { stacks } = synth(WITH_ACCOUNT);
    expect(Object.fromEntries(Object.entries(stacks).map(([name, json]) => [name, addresses(json)]))).toEqual({
      'students-account-us-east-1': [
        'aws_api_gateway_account.apigateway-account',
        'aws_iam_role.apigateway-cloudwatch-role',
        'aws_iam_role_policy_attachment.apigateway-cloudwatch-role-policy',
        'data.aws_caller_identity.account',
      ],
      'students-dev-api': [
        'aws_api_gateway_deployment.deployment',
        'aws_api_gateway_gateway_response.bad-request-body-response',
        'aws_api_gateway_gateway_response.default-4xx-response',
        'aws_api_gateway_gateway_response.default-5xx-response',
        'aws_api_gateway_integration.delete-integration',
        'aws_api_gateway_integration.get-integration',
        'aws_api_gateway_integration.post-integration',
        'aws_api_gateway_method.delete-method',
        'aws_api_gateway_method.get-method',
        'aws_api_gateway_method.post-method',
        'aws_api_gateway_method_settings.stage-settings',
        'aws_api_gateway_model.delete-body-model',
        'aws_api_gateway_model.post-body-model',
        'aws_api_gateway_request_validator.validator',
        'aws_api_gateway_resource.student-resource',
        'aws_api_gateway_rest_api.api',
        'aws_api_gateway_stage.stage',
        'aws_cloudwatch_log_group.access-log-group',
        'aws_cloudwatch_log_group.execution-log-group',
        'aws_cloudwatch_log_group.list-students-logs',
        'aws_cloudwatch_log_group.remove-students-logs',
        'aws_cloudwatch_log_group.signup-students-logs',
        'aws_iam_role.list-students-role',
        'aws_iam_role.remove-students-role',
        'aws_iam_role.signup-students-role',
        'aws_iam_role_policy.list-students-policy',
        'aws_iam_role_policy.remove-students-policy',
        'aws_iam_role_policy.signup-students-policy',
        'aws_lambda_alias.list-students-live',
        'aws_lambda_alias.remove-students-live',
        'aws_lambda_alias.signup-students-live',
        'aws_lambda_function.list-students',
        'aws_lambda_function.remove-students',
        'aws_lambda_function.signup-students',
        'aws_lambda_permission.list-students-allow-apigateway-get',
        'aws_lambda_permission.remove-students-allow-apigateway-delete',
        'aws_lambda_permission.signup-students-allow-apigateway-post',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-data',
      ],
      'students-dev-data': ['aws_dynamodb_table.name-words-table', 'aws_dynamodb_table.students-table'],
      'students-dev-frontend': [
        'aws_autoscaling_group.asg',
        'aws_autoscaling_policy.cpu-target-tracking',
        'aws_cloudwatch_log_group.frontend-app-log-group',
        'aws_cloudwatch_log_group.frontend-bootstrap-log-group',
        'aws_cloudwatch_log_group.site-firewall-log-group',
        'aws_iam_instance_profile.instance-profile',
        'aws_iam_role.instance-role',
        'aws_iam_role_policy.instance-role-artifact',
        'aws_iam_role_policy_attachment.instance-role-ssm',
        'aws_kms_alias.seal-key-alias',
        'aws_kms_key.seal-key',
        'aws_launch_template.launch-template',
        'aws_lb.alb',
        'aws_lb_listener.http-listener',
        'aws_lb_target_group.target-group',
        'aws_s3_bucket.alb-log-bucket',
        'aws_s3_bucket.artifact-bucket',
        'aws_s3_bucket_lifecycle_configuration.alb-log-bucket-lifecycle',
        'aws_s3_bucket_lifecycle_configuration.artifact-bucket-lifecycle',
        'aws_s3_bucket_ownership_controls.alb-log-bucket-ownership',
        'aws_s3_bucket_ownership_controls.artifact-bucket-ownership',
        'aws_s3_bucket_policy.alb-log-bucket-policy',
        'aws_s3_bucket_policy.artifact-bucket-policy',
        'aws_s3_bucket_public_access_block.alb-log-bucket-public-access-block',
        'aws_s3_bucket_public_access_block.artifact-bucket-public-access-block',
        'aws_s3_bucket_server_side_encryption_configuration.alb-log-bucket-encryption',
        'aws_s3_bucket_server_side_encryption_configuration.artifact-bucket-encryption',
        'aws_s3_bucket_versioning.alb-log-bucket-versioning',
        'aws_s3_bucket_versioning.artifact-bucket-versioning',
        'aws_s3_object.frontend-artifact',
        'aws_security_group.alb-sg',
        'aws_security_group.app-sg',
        'aws_vpc_security_group_egress_rule.alb-egress-app',
        'aws_vpc_security_group_egress_rule.app-egress-https',
        'aws_vpc_security_group_ingress_rule.alb-ingress-80',
        'aws_vpc_security_group_ingress_rule.app-ingress-alb',
        'aws_wafv2_web_acl.site-firewall',
        'aws_wafv2_web_acl_association.site-firewall-association',
        'aws_wafv2_web_acl_logging_configuration.site-firewall-logging',
        'data.aws_ami.image',
        'data.aws_caller_identity.account',
        'data.aws_caller_identity.seal-key-account',
        'data.aws_elb_service_account.elb-account',
        'data.aws_ssm_parameter.al2023-ami',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-api',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-network',
        'terraform_data.ami',
      ],
      'students-dev-monitoring': [
        'aws_autoscaling_notification.asg-notifications',
        'aws_cloudwatch_dashboard.dashboard',
        'aws_cloudwatch_metric_alarm.alb-5xx',
        'aws_cloudwatch_metric_alarm.api-4xx',
        'aws_cloudwatch_metric_alarm.api-5xx',
        'aws_cloudwatch_metric_alarm.api-latency-p99',
        'aws_cloudwatch_metric_alarm.asg-in-service',
        'aws_cloudwatch_metric_alarm.dynamodb-user-errors',
        'aws_cloudwatch_metric_alarm.list-students-concurrency',
        'aws_cloudwatch_metric_alarm.list-students-duration-p99',
        'aws_cloudwatch_metric_alarm.list-students-errors',
        'aws_cloudwatch_metric_alarm.list-students-throttles',
        'aws_cloudwatch_metric_alarm.nat-0-packets-dropped',
        'aws_cloudwatch_metric_alarm.nat-0-port-allocation',
        'aws_cloudwatch_metric_alarm.remove-students-concurrency',
        'aws_cloudwatch_metric_alarm.remove-students-duration-p99',
        'aws_cloudwatch_metric_alarm.remove-students-errors',
        'aws_cloudwatch_metric_alarm.remove-students-throttles',
        'aws_cloudwatch_metric_alarm.signup-students-concurrency',
        'aws_cloudwatch_metric_alarm.signup-students-duration-p99',
        'aws_cloudwatch_metric_alarm.signup-students-errors',
        'aws_cloudwatch_metric_alarm.signup-students-throttles',
        'aws_cloudwatch_metric_alarm.table-system-errors-batchgetitem',
        'aws_cloudwatch_metric_alarm.table-system-errors-deleteitem',
        'aws_cloudwatch_metric_alarm.table-system-errors-getitem',
        'aws_cloudwatch_metric_alarm.table-system-errors-putitem',
        'aws_cloudwatch_metric_alarm.table-system-errors-query',
        'aws_cloudwatch_metric_alarm.table-system-errors-scan',
        'aws_cloudwatch_metric_alarm.table-throttles-batchgetitem',
        'aws_cloudwatch_metric_alarm.table-throttles-deleteitem',
        'aws_cloudwatch_metric_alarm.table-throttles-getitem',
        'aws_cloudwatch_metric_alarm.table-throttles-putitem',
        'aws_cloudwatch_metric_alarm.table-throttles-query',
        'aws_cloudwatch_metric_alarm.table-throttles-scan',
        'aws_cloudwatch_metric_alarm.target-5xx',
        'aws_cloudwatch_metric_alarm.target-latency-p99',
        'aws_cloudwatch_metric_alarm.unhealthy-hosts',
        'aws_kms_alias.alarm-key-alias',
        'aws_kms_key.alarm-key',
        'aws_sns_topic.alarm-topic',
        'aws_sns_topic_policy.alarm-topic-policy',
        'data.aws_caller_identity.account',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-api',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-data',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-frontend',
        'data.terraform_remote_state.cross-stack-reference-input-students-dev-network',
      ],
      'students-dev-network': [
        'aws_cloudwatch_log_group.flow-log-group',
        'aws_default_security_group.default-security-group',
        'aws_eip.nat-ip-0',
        'aws_flow_log.flow-log',
        'aws_iam_role.flow-log-role',
        'aws_iam_role_policy.flow-log-role-policy',
        'aws_internet_gateway.internet-gateway',
        'aws_nat_gateway.nat-gateway-0',
        'aws_route.private-default-route-0',
        'aws_route.private-default-route-1',
        'aws_route.public-default-route',
        'aws_route_table.private-route-table-0',
        'aws_route_table.private-route-table-1',
        'aws_route_table.public-route-table',
        'aws_route_table_association.private-subnet-0-routes',
        'aws_route_table_association.private-subnet-1-routes',
        'aws_route_table_association.public-subnet-0-routes',
        'aws_route_table_association.public-subnet-1-routes',
        'aws_subnet.private-subnet-0',
        'aws_subnet.private-subnet-1',
        'aws_subnet.public-subnet-0',
        'aws_subnet.public-subnet-1',
        'aws_vpc.vpc',
        'aws_vpc_endpoint.s3-endpoint',
        'data.aws_availability_zones.zones',
        'data.aws_caller_identity.account',
      ],
    });
  });

  test('the synthesized output names no path of the build machine', () => {
    const { raw, outdir } = synth();
    for (const [name, text] of Object.entries(raw)) {
      expect([name, text.includes(process.cwd())]).toEqual([name, false]);
      expect([name, text.includes(outdir)]).toEqual([name, false]);
      expect([name, /"\/(home|root|tmp|Users|work)\//.test(text)]).toEqual([name, false]);
    }
  });

  test('every provider tags what it creates: project, environment, stack, managed-by', () => {
    for (const [name, json] of Object.entries(synth().stacks)) {
      const environment = name.startsWith('students-account-') ? 'account' : 'dev';
      expect(block(json.provider.aws)).toMatchObject({
        region: 'us-east-1',
        default_tags: [{ tags: { project: 'students', environment, stack: name, 'managed-by': 'cdktf' } }],
      });
    }
  });

  test('every stack requires Terraform 1.10 or newer (S3-native state locking)', () => {
    for (const json of Object.values(synth().stacks)) expect(json.terraform.required_version).toBe('>= 1.10');
  });

  test('state: local by default, relative to the stack; S3 with native locking when a bucket is configured', () => {
    for (const [name, json] of Object.entries(synth().stacks))
      expect(json.terraform.backend).toEqual({ local: { path: `../../../terraform.${name}.tfstate` } });
    const remote = synth({ STUDENTS_STATE_BUCKET: 'acme-terraform-state' }).stacks['students-dev-data']!;
    expect(remote.terraform.backend).toEqual({
      s3: {
        bucket: 'acme-terraform-state',
        key: 'students/dev/students-dev-data.tfstate',
        region: 'us-east-1',
        encrypt: true,
        use_lockfile: true,
      },
    });
    const api = synth({ STUDENTS_STATE_BUCKET: 'acme-terraform-state' }).stacks['students-dev-api']!;
    expect(block(api.data.terraform_remote_state['cross-stack-reference-input-students-dev-data'])?.backend).toBe('s3');
    // One account stack per account and region, whichever environment synthesizes it.
    const account = synth({
      STUDENTS_ENV: 'qa',
      STUDENTS_AWS_ACCOUNT_ID: '123456789012',
      STUDENTS_STATE_BUCKET: 'acme-terraform-state',
    }).stacks['students-account-us-east-1']!;
    expect(account.terraform.backend.s3.key).toBe('students/account/students-account-us-east-1.tfstate');
  });
});

describe('network', () => {
  const net = () => synth().stacks['students-dev-network']!;
  test('a VPC over 2 AZs with public and private subnets, one NAT gateway by default', () => {
    expect(resource(net(), 'aws_vpc', 'vpc')).toMatchObject({ cidr_block: '10.0.0.0/16', enable_dns_hostnames: true });
    expect(Object.keys(net().resource.aws_subnet)).toHaveLength(4);
    expect(Object.keys(net().resource.aws_nat_gateway)).toEqual(['nat-gateway-0']);
    expect(resource(net(), 'aws_route', 'private-default-route-1')).toMatchObject({
      nat_gateway_id: '${aws_nat_gateway.nat-gateway-0.id}',
    });
  });
  test('NAT per AZ puts one gateway in each zone; NAT none routes nothing privately', () => {
    const perAz = synth({ STUDENTS_NAT_MODE: 'per-az', STUDENTS_AZ_COUNT: '3' }).stacks['students-dev-network']!;
    expect(Object.keys(perAz.resource.aws_nat_gateway)).toEqual(['nat-gateway-0', 'nat-gateway-1', 'nat-gateway-2']);
    expect(resource(perAz, 'aws_route', 'private-default-route-2')).toMatchObject({
      nat_gateway_id: '${aws_nat_gateway.nat-gateway-2.id}',
    });
    const none = synth({ STUDENTS_NAT_MODE: 'none' }).stacks['students-dev-network']!;
    expect(none.resource.aws_nat_gateway).toBeUndefined();
    expect(Object.keys(none.resource.aws_route)).toEqual(['public-default-route']);
  });
  test('zones: every Availability Zone whatever its state, no Local Zones, indexed (never wrapped), too few refused', () => {
    const zones = net().data.aws_availability_zones.zones;
    expect(zones.state).toBeUndefined();
    expect(zones.filter).toEqual([{ name: 'zone-type', values: ['availability-zone'] }]);
    expect(zones.lifecycle.postcondition[0].condition).toBe('${length(self.names) >= 2}');
    const three = synth({ STUDENTS_AZ_COUNT: '3', STUDENTS_NAT_MODE: 'per-az' }).stacks['students-dev-network']!;
    expect(three.data.aws_availability_zones.zones.lifecycle.postcondition[0]).toMatchObject({
      condition: '${length(self.names) >= 3}',
      error_message: expect.stringContaining('STUDENTS_AZ_COUNT'),
    });
    for (const [name, subnet] of Object.entries(three.resource.aws_subnet as Json)) {
      expect(subnet.availability_zone).toBe(`\${data.aws_availability_zones.zones.names.${name.at(-1)}}`);
      expect(JSON.stringify(subnet)).not.toContain('element(');
    }
  });
  test('the flow-log role trusts the service only for this account (aws:SourceAccount)', () => {
    const trust = JSON.parse(resource(net(), 'aws_iam_role', 'flow-log-role').assume_role_policy);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } },
    });
  });
  test('an S3 gateway endpoint on every route table, and flow logs with retention', () => {
    expect(resource(net(), 'aws_vpc_endpoint', 's3-endpoint')).toMatchObject({
      vpc_endpoint_type: 'Gateway',
      service_name: 'com.amazonaws.us-east-1.s3',
    });
    expect(resource(net(), 'aws_vpc_endpoint', 's3-endpoint').route_table_ids).toHaveLength(3);
    expect(resource(net(), 'aws_flow_log', 'flow-log')).toMatchObject({
      traffic_type: 'ALL',
      log_destination_type: 'cloud-watch-logs',
    });
    expect(resource(net(), 'aws_cloudwatch_log_group', 'flow-log-group')).toMatchObject({ retention_in_days: 30 });
  });
});

describe('data', () => {
  test('the Students table: key email (S), on demand, PITR, encryption, deletion protection and prevent_destroy', () => {
    const table = resource(synth().stacks['students-dev-data']!, 'aws_dynamodb_table', 'students-table');
    expect(table).toMatchObject({
      name: 'students-dev-Students',
      hash_key: STUDENTS_TABLE.partitionKey,
      attribute: [
        { name: 'email', type: 'S' },
        { name: 'directory', type: 'S' },
        { name: 'nameKey', type: 'S' },
      ],
      // The name order: a whole page read from the index, never the table.
      global_secondary_index: [
        {
          name: 'by-name',
          hash_key: 'directory',
          range_key: 'nameKey',
          projection_type: 'INCLUDE',
          non_key_attributes: ['name', 'age', 'country'],
        },
      ],
      billing_mode: 'PAY_PER_REQUEST',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: true,
      lifecycle: { prevent_destroy: true },
    });
    const throwaway = resource(
      synth({ STUDENTS_ENV: 'scratch', STUDENTS_AWS_ACCOUNT_ID: '123456789012', STUDENTS_DELETION_PROTECTION: 'false' })
        .stacks['students-scratch-data']!,
      'aws_dynamodb_table',
      'students-table',
    );
    expect(throwaway).toMatchObject({
      name: 'students-scratch-Students',
      deletion_protection_enabled: false,
      lifecycle: { prevent_destroy: false },
    });
  });
});

describe('api', () => {
  const api = () => synth().stacks['students-dev-api']!;
  test('resource /student on stage dev, GET and POST by Lambda proxy, signed calls only and no CORS by default', () => {
    expect(resource(api(), 'aws_api_gateway_resource', 'student-resource').path_part).toBe(API_RESOURCE);
    expect(resource(api(), 'aws_api_gateway_stage', 'stage').stage_name).toBe(API_STAGE);
    expect(resource(api(), 'aws_api_gateway_integration', 'get-integration')).toMatchObject({
      type: 'AWS_PROXY',
      integration_http_method: 'POST',
      uri: '${aws_lambda_alias.list-students-live.invoke_arn}',
    });
    expect(resource(api(), 'aws_api_gateway_integration', 'post-integration')).toMatchObject({
      type: 'AWS_PROXY',
      uri: '${aws_lambda_alias.signup-students-live.invoke_arn}',
    });
    for (const m of ['get-method', 'post-method'])
      expect(resource(api(), 'aws_api_gateway_method', m).authorization).toBe('AWS_IAM');
    expect(api().resource.aws_api_gateway_method['options-method']).toBeUndefined();
    expect(
      resource(api(), 'aws_api_gateway_gateway_response', 'default-4xx-response').response_parameters,
    ).toBeUndefined();
    expect(resource(api(), 'aws_lambda_function', 'list-students').environment.variables.CORS_ORIGINS).toBeUndefined();
  });
  test('public access: no authorization, a preflight by mock with exactly the headers the handlers send, for the one allowed origin', () => {
    const stack = synth({ STUDENTS_API_ACCESS: 'public', STUDENTS_CORS_ORIGINS: 'https://portal.example.edu' }).stacks[
      'students-dev-api'
    ]!;
    expect(resource(stack, 'aws_api_gateway_method', 'get-method').authorization).toBe('NONE');
    // A staff removal stays signed-only even on a public API.
    expect(resource(stack, 'aws_api_gateway_method', 'delete-method').authorization).toBe('AWS_IAM');
    expect(resource(stack, 'aws_api_gateway_integration', 'options-integration')).toMatchObject({ type: 'MOCK' });
    const params = resource(stack, 'aws_api_gateway_integration_response', 'options-integration-response');
    expect(params.response_parameters).toEqual(
      Object.fromEntries(
        Object.entries({ ...CORS_HEADERS, 'Access-Control-Allow-Origin': 'https://portal.example.edu' }).map(
          ([k, v]) => [`method.response.header.${k}`, `'${v}'`],
        ),
      ),
    );
    expect(resource(stack, 'aws_api_gateway_gateway_response', 'default-4xx-response').response_parameters).toEqual({
      'gatewayresponse.header.Access-Control-Allow-Origin': "'https://portal.example.edu'",
    });
    expect(resource(stack, 'aws_lambda_function', 'signup-students').environment.variables.CORS_ORIGINS).toBe(
      'https://portal.example.edu',
    );
  });
  test('public access with several origins: the preflight echoes an allowed Origin, gateway errors name none', () => {
    const stack = synth({
      STUDENTS_API_ACCESS: 'public',
      STUDENTS_CORS_ORIGINS: 'https://a.example.edu,https://b.example.edu',
    }).stacks['students-dev-api']!;
    const response = resource(stack, 'aws_api_gateway_integration_response', 'options-integration-response');
    expect(response.response_parameters['method.response.header.Access-Control-Allow-Origin']).toBeUndefined();
    expect(response.response_templates['application/json']).toContain(
      '["https://a.example.edu", "https://b.example.edu"]',
    );
    expect(response.response_templates['application/json']).toContain(
      '$context.responseOverride.header.Access-Control-Allow-Origin',
    );
    expect(
      resource(stack, 'aws_api_gateway_gateway_response', 'default-5xx-response').response_parameters,
    ).toBeUndefined();
  });
  test('POST bodies are validated against the student model before the Lambda', () => {
    const model = resource(api(), 'aws_api_gateway_model', 'post-body-model');
    expect(JSON.parse(model.schema)).toEqual(STUDENT_REQUEST_SCHEMA);
    expect(resource(api(), 'aws_api_gateway_method', 'post-method')).toMatchObject({
      request_models: { 'application/json': '${aws_api_gateway_model.post-body-model.name}' },
      request_validator_id: '${aws_api_gateway_request_validator.validator.id}',
    });
    expect(resource(api(), 'aws_api_gateway_request_validator', 'validator')).toMatchObject({
      validate_request_body: true,
    });
  });
  test.each(['list-students', 'signup-students'] as const)(
    '%s: bundle asset with a base64 SHA-256 hash, Node 22 on arm64, X-Ray, TABLE_NAME',
    (name) => {
      const fn = resource(api(), 'aws_lambda_function', name);
      expect(fn).toMatchObject({
        function_name: `students-dev-${name}`,
        runtime: LAMBDA_RUNTIME,
        architectures: ['arm64'],
        handler: 'index.handler',
        tracing_config: { mode: 'Active' },
      });
      expect(LAMBDA_RUNTIME).toBe(`nodejs${process.versions.node.split('.')[0]}.x`);
      expect(fn.timeout).toBeLessThan(29);
      expect(fn.filename).toMatch(/^assets\/.+\.zip$/);
      expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
      expect(fn.environment.variables.TABLE_NAME).toMatch(
        /terraform_remote_state\.cross-stack-reference-input-students-dev-data/,
      );
    },
  );
  test.each(['list-students', 'signup-students'] as const)(
    '%s: its own role may only call its table action on the table ARN',
    (name) => {
      const policy = JSON.parse(resource(api(), 'aws_iam_role_policy', `${name}-policy`).policy);
      const table = policy.Statement.find((s: Json) => s.Sid === 'Table');
      expect(table.Action).toEqual(FUNCTION_TABLE_ACTIONS[name]);
      expect(table.Resource).toMatch(/cross-stack-reference-input-students-dev-data.*tablearn/);
      // Only the list queries the name index, and only with Query, on that index alone.
      const index = policy.Statement.find((s: Json) => s.Sid === 'Index');
      if (name === 'list-students') {
        expect(index.Action).toEqual(['dynamodb:Query']);
        expect(index.Resource).toMatch(/tablearn.*\/index\/by-name$/);
      } else {
        expect(index).toBeUndefined();
      }
      // The name-words table: the list only queries it, the signup only writes its entries.
      const words = policy.Statement.find((s: Json) => s.Sid === 'NameWords');
      expect(words.Action).toEqual(name === 'list-students' ? ['dynamodb:Query'] : ['dynamodb:BatchWriteItem']);
      expect(words.Resource).toMatch(/tablearn.*}-name-words$/);
      expect(policy.Statement.find((s: Json) => s.Sid === 'OwnLogs').Resource).toBe(
        `\${aws_cloudwatch_log_group.${name}-logs.arn}:*`,
      );
      expect(resource(api(), 'aws_cloudwatch_log_group', `${name}-logs`)).toMatchObject({
        name: `/aws/lambda/students-dev-${name}`,
        retention_in_days: 30,
      });
    },
  );
  test('Lambda permissions are scoped to their method and path, on the live alias', () => {
    expect(resource(api(), 'aws_lambda_permission', 'list-students-allow-apigateway-get')).toMatchObject({
      source_arn: '${aws_api_gateway_rest_api.api.execution_arn}/*/GET/student',
      qualifier: '${aws_lambda_alias.list-students-live.name}',
    });
    expect(resource(api(), 'aws_lambda_permission', 'signup-students-allow-apigateway-post').source_arn).toBe(
      '${aws_api_gateway_rest_api.api.execution_arn}/*/POST/student',
    );
  });
  test('the deployment is replaced before it is destroyed, on a trigger that is stable while nothing changes', () => {
    const deployment = resource(api(), 'aws_api_gateway_deployment', 'deployment');
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    expect(deployment.triggers.redeployment).toMatch(/^[0-9a-f]{40}$/);
    expect(triggerAfter(() => {})).toBe(deployment.triggers.redeployment);
  });
  test.each([
    ['the authorization of a method', 'post-method', 'authorization', 'NONE'],
    [
      'a gateway response template',
      'default-4xx-response',
      'response_templates.application/json',
      '{"message":"refused"}',
    ],
    ['an integration timeout', 'post-integration', 'timeout_milliseconds', 10000],
    ['method request parameters', 'get-method', 'request_parameters', { 'method.request.querystring.extra': false }],
    ['a request validator', 'validator', 'validate_request_parameters', false],
  ])(
    'changing %s changes the deployment trigger (in-place updates need a redeployment too)',
    (_what, id, property, value) => {
      const base = resource(api(), 'aws_api_gateway_deployment', 'deployment').triggers.redeployment;
      expect(triggerAfter((resources) => resources.get(id)!.addOverride(property, value))).not.toBe(base);
    },
  );
  test('the stage: JSON access logs, X-Ray, throttling, metrics and error logging; the URL is an output', () => {
    const stage = resource(api(), 'aws_api_gateway_stage', 'stage');
    expect(JSON.parse(stage.access_log_settings.format)).toMatchObject({
      requestId: '$context.requestId',
      status: '$context.status',
    });
    expect(stage.depends_on).toContain('aws_cloudwatch_log_group.execution-log-group');
    expect(resource(api(), 'aws_api_gateway_method_settings', 'stage-settings').settings).toMatchObject({
      metrics_enabled: true,
      logging_level: 'ERROR',
      throttling_rate_limit: 50,
      throttling_burst_limit: 100,
    });
    expect(api().output.api_url.value).toBe('${aws_api_gateway_stage.stage.invoke_url}/student');
  });
  test('the execution log group API Gateway writes to is declared, with retention', () => {
    expect(resource(api(), 'aws_cloudwatch_log_group', 'execution-log-group')).toMatchObject({
      name: `API-Gateway-Execution-Logs_\${aws_api_gateway_rest_api.api.id}/${API_STAGE}`,
      retention_in_days: 30,
    });
  });
});

describe('account', () => {
  const account = () => synth(WITH_ACCOUNT).stacks['students-account-us-east-1']!;
  test('the account-wide API Gateway role lives in its own stack, never in an environment, and is never destroyed by Terraform', () => {
    for (const [name, json] of Object.entries(synth(WITH_ACCOUNT).stacks)) {
      if (name !== 'students-account-us-east-1')
        expect([name, json.resource.aws_api_gateway_account]).toEqual([name, undefined]);
    }
    expect(resource(account(), 'aws_api_gateway_account', 'apigateway-account')).toMatchObject({
      cloudwatch_role_arn: '${aws_iam_role.apigateway-cloudwatch-role.arn}',
      lifecycle: { prevent_destroy: true },
    });
    const trust = JSON.parse(resource(account(), 'aws_iam_role', 'apigateway-cloudwatch-role').assume_role_policy);
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' },
    });
    // `npm run destroy` destroys students-<env>-*: the account stack's name cannot match.
    expect('students-account-us-east-1'.startsWith('students-dev-')).toBe(false);
    expect(JSON.stringify(account())).not.toContain('"dev"');
  });
  test('the API stage deploys after the account stack', () => {
    const { api, account: acct } = buildApp(loadConfig(WITH_ACCOUNT), {
      outdir: mkdtempSync(path.join(os.tmpdir(), 'students-deps-')),
      distDir: DIST,
    });
    expect(api.dependencies).toContain(acct);
  });
});

describe('frontend', () => {
  const fe = () => synth().stacks['students-dev-frontend']!;
  test('the artifact is dist/frontend.zip under a key that carries its hash; instances may read every kept version of it', () => {
    const object = resource(fe(), 'aws_s3_object', 'frontend-artifact');
    expect(object.key).toMatch(/^frontend\/[0-9A-F]{32}\.zip$/i);
    expect(object.source).toMatch(/^assets\/frontend-bundle\/[0-9A-F]+\/frontend\.zip$/);
    // The new object is written before the old one becomes a noncurrent version (kept 30 days).
    expect(object.lifecycle).toEqual({ create_before_destroy: true });
    expect(
      resource(fe(), 'aws_s3_bucket_lifecycle_configuration', 'artifact-bucket-lifecycle').rule[0]
        .noncurrent_version_expiration,
    ).toEqual([{ noncurrent_days: 30 }]);
    const policy = JSON.parse(resource(fe(), 'aws_iam_role_policy', 'instance-role-artifact').policy);
    expect(policy.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: '${aws_s3_bucket.artifact-bucket.arn}/frontend/*',
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        Resource: [
          '${aws_cloudwatch_log_group.frontend-app-log-group.arn}',
          '${aws_cloudwatch_log_group.frontend-app-log-group.arn}:*',
          '${aws_cloudwatch_log_group.frontend-bootstrap-log-group.arn}',
          '${aws_cloudwatch_log_group.frontend-bootstrap-log-group.arn}:*',
        ],
      },
      {
        Effect: 'Allow',
        Action: 'kms:GenerateMac',
        Resource: '${aws_kms_key.seal-key.arn}',
        Condition: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
      },
      {
        Effect: 'Allow',
        Action: 'execute-api:Invoke',
        Resource: [
          expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]+execution_arn\}\/dev\/GET\/student$/),
          expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]+execution_arn\}\/dev\/POST\/student$/),
          expect.stringMatching(/^\$\{data\.terraform_remote_state\.[^}]+execution_arn\}\/dev\/DELETE\/student$/),
        ],
      },
    ]);
    const publicFe = synth({ STUDENTS_API_ACCESS: 'public' }).stacks['students-dev-frontend']!;
    const publicPolicy = JSON.parse(resource(publicFe, 'aws_iam_role_policy', 'instance-role-artifact').policy);
    expect(publicPolicy.Statement.map((st: { Action: unknown }) => st.Action)).not.toContain('execute-api:Invoke');
    expect(resource(fe(), 'aws_iam_role_policy_attachment', 'instance-role-ssm').policy_arn).toBe(
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    );
  });
  test('the AMI: recorded in state at the first deploy and kept (a deploy of ours never rolls the fleet), or pinned', () => {
    // The architectures and the unpinned image on their own: constructs.test.ts.
    expect(fe().data.aws_ssm_parameter['al2023-ami'].name).toBe(
      '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64',
    );
    expect(resource(fe(), 'terraform_data', 'ami')).toMatchObject({
      input: { image_id: '${data.aws_ssm_parameter.al2023-ami.insecure_value}' },
      lifecycle: { ignore_changes: ['input'] },
    });
    const lt = resource(fe(), 'aws_launch_template', 'launch-template');
    expect(lt.image_id).toBe('${terraform_data.ami.output["image_id"]}');
    expect(JSON.stringify(lt)).not.toContain('aws_ssm_parameter');
    const pinned = synth({ STUDENTS_AMI_ID: 'ami-0123456789abcdef0' }).stacks['students-dev-frontend']!;
    expect(resource(pinned, 'aws_launch_template', 'launch-template').image_id).toBe('ami-0123456789abcdef0');
    expect(pinned.data?.aws_ssm_parameter).toBeUndefined();
    expect(pinned.resource.terraform_data).toBeUndefined();
  });
  test('launch template: no public IP but without NAT, default tags on instances, volumes and interfaces', () => {
    const lt = resource(fe(), 'aws_launch_template', 'launch-template');
    // IMDSv2 and volume encryption are the policy suite's (CKV_AWS_79, EC2.3).
    expect(block(lt.network_interfaces)?.associate_public_ip_address).toBe('false');
    const tags = {
      project: 'students',
      environment: 'dev',
      stack: 'students-dev-frontend',
      'managed-by': 'cdktf',
      Name: 'students-dev-frontend',
    };
    expect(lt.tag_specifications).toEqual(
      ['instance', 'volume', 'network-interface'].map((resource_type) => ({ resource_type, tags })),
    );
    const none = resource(
      synth({ STUDENTS_NAT_MODE: 'none' }).stacks['students-dev-frontend']!,
      'aws_launch_template',
      'launch-template',
    );
    expect(block(none.network_interfaces)?.associate_public_ip_address).toBe('true');
  });
  test('user data installs Node 22, fetches its own artifact version, writes the environment and a hardened systemd unit', () => {
    const script = plainUserData({
      artifactBucket: 'b',
      artifactKey: 'frontend/x.zip',
      artifactVersion: 'v1',
      region: 'eu-west-1',
      appLogGroup: '/students-dev/frontend/app',
      bootstrapLogGroup: '/students-dev/frontend/bootstrap',
      apiEndpoint: 'https://api/dev/student',
      apiAccess: 'iam',
      directory: 'staff',
      staffSignerArn: '',
      staffSignOutUrl: '',
      sealKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000',
      sealKeyGeneration: 1,
      appPort: 3000,
      nodeMajor: 22,
    });
    expect(script).toContain('dnf install -y "nodejs${NODE_MAJOR}"');
    expect(script).toContain("NODE_MAJOR='22'");
    expect(script).toContain(
      'aws s3api get-object --region "${REGION}" --bucket "${ARTIFACT_BUCKET}" --key "${ARTIFACT_KEY}"',
    );
    expect(script).toContain('--version-id "${ARTIFACT_VERSION}"');
    expect(script).toContain("REGION='eu-west-1'");
    expect(script).toContain("API_ENDPOINT='https://api/dev/student'");
    expect(script).toMatch(
      /API_ENDPOINT=\$\{API_ENDPOINT\}\nAPI_ACCESS=\$\{API_ACCESS\}\nDIRECTORY_MODE=\$\{DIRECTORY_MODE\}\nSTAFF_SIGNER_ARN=\$\{STAFF_SIGNER_ARN\}\nSTAFF_SIGN_OUT_URL=\$\{STAFF_SIGN_OUT_URL\}\nAWS_REGION=\$\{REGION\}\nSEAL_KMS_KEY_ID=\$\{SEAL_KMS_KEY_ID\}\nSEAL_KEY_GENERATION=\$\{SEAL_KEY_GENERATION\}\nPORT=\$\{APP_PORT\}\nNODE_ENV=production/,
    );
    expect(script).toContain("API_ACCESS='iam'");
    expect(script).toContain("DIRECTORY_MODE='staff'");
    expect(script).toContain("SEAL_KEY_GENERATION='1'");
    for (const line of [
      'Restart=on-failure',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'User=@APP_USER@',
      'EnvironmentFile=/etc/students-frontend/env',
    ])
      expect(script).toContain(line);
    const lt = resource(fe(), 'aws_launch_template', 'launch-template');
    // A top-level template (a local): the script's quotes are text, the shell's ${…} escaped, references kept.
    expect(lt.user_data).toBe('${base64encode(local.user_data)}');
    const local = fe().locals.user_data as string;
    expect(local).toContain('$${NODE_MAJOR}');
    expect(local).not.toMatch(/(^|[^$])\$\{(?!aws_|data\.)/);
    expect(local).toContain("ARTIFACT_VERSION='${aws_s3_object.frontend-artifact.version_id}'");
  });
  test('ALB in public subnets dropping invalid headers; HTTP only until a certificate, then HTTPS with a redirect', () => {
    const alb = resource(fe(), 'aws_lb', 'alb');
    expect(alb).toMatchObject({ internal: false, drop_invalid_header_fields: true, load_balancer_type: 'application' });
    expect(alb.subnets).toHaveLength(2);
    expect(resource(fe(), 'aws_lb_listener', 'http-listener')).toMatchObject({
      port: 80,
      protocol: 'HTTP',
      default_action: [{ type: 'forward' }],
    });
    const tls = synth({
      STUDENTS_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
    }).stacks['students-dev-frontend']!;
    expect(resource(tls, 'aws_lb_listener', 'https-listener')).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
      ssl_policy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
    });
    expect(resource(tls, 'aws_lb_listener', 'http-listener').default_action[0]).toMatchObject({
      type: 'redirect',
      redirect: { protocol: 'HTTPS', port: '443' },
    });
  });
  test('instances accept traffic only from the ALB security group, on the app port; health check on /healthz', () => {
    expect(resource(fe(), 'aws_vpc_security_group_ingress_rule', 'app-ingress-alb')).toMatchObject({
      from_port: 3000,
      to_port: 3000,
      referenced_security_group_id: '${aws_security_group.alb-sg.id}',
    });
    const appIngress = Object.entries(fe().resource.aws_vpc_security_group_ingress_rule as Json).filter(
      ([, r]) => r.security_group_id === '${aws_security_group.app-sg.id}',
    );
    expect(appIngress.map(([n]) => n)).toEqual(['app-ingress-alb']);
    expect(block(resource(fe(), 'aws_lb_target_group', 'target-group').health_check)).toMatchObject({
      path: '/healthz',
      matcher: '200',
    });
  });
  test('the ASG: ELB health checks, sizes from config, a refresh at full capacity that rolls back, after its role', () => {
    const asg = resource(
      synth({ STUDENTS_ASG_MIN: '3', STUDENTS_ASG_MAX: '7', STUDENTS_ASG_DESIRED: '4' }).stacks[
        'students-dev-frontend'
      ]!,
      'aws_autoscaling_group',
      'asg',
    );
    expect(asg).toMatchObject({
      health_check_type: 'ELB',
      min_size: 3,
      max_size: 7,
      desired_capacity: 4,
      instance_refresh: {
        strategy: 'Rolling',
        preferences: { min_healthy_percentage: 100, max_healthy_percentage: 200, auto_rollback: true },
      },
      launch_template: { version: '${tostring(aws_launch_template.launch-template.latest_version)}' },
    });
    expect(asg.depends_on).toEqual([
      'aws_iam_role_policy.instance-role-artifact',
      'aws_iam_role_policy_attachment.instance-role-ssm',
    ]);
    expect(asg.tag).toContainEqual({ key: 'environment', value: 'dev', propagate_at_launch: true });
    expect(asg.health_check_grace_period).toBeGreaterThan(0);
    expect(JSON.stringify(asg.vpc_zone_identifier)).toContain('private-subnet');
    expect(resource(fe(), 'aws_autoscaling_policy', 'cpu-target-tracking')).toMatchObject({
      policy_type: 'TargetTrackingScaling',
    });
    const none = resource(
      synth({ STUDENTS_NAT_MODE: 'none' }).stacks['students-dev-frontend']!,
      'aws_autoscaling_group',
      'asg',
    );
    expect(JSON.stringify(none.vpc_zone_identifier)).toContain('public-subnet');
  });
  test('security groups and the target group carry generated names and are created before they are destroyed', () => {
    const ssh = synth({ STUDENTS_SSH_KEY_NAME: 'ops', STUDENTS_INSTANCE_CONNECT_ENDPOINT: 'true' }).stacks[
      'students-dev-frontend'
    ]!;
    for (const [address, prefix] of [
      ['alb-sg', 'students-dev-alb-'],
      ['app-sg', 'students-dev-app-'],
      ['instance-connect-sg', 'students-dev-instance-connect-'],
    ]) {
      const sg = resource(ssh, 'aws_security_group', address!);
      expect(sg).toMatchObject({ name_prefix: prefix, lifecycle: { create_before_destroy: true } });
      expect(sg.name).toBeUndefined();
    }
    const tg = resource(fe(), 'aws_lb_target_group', 'target-group');
    expect(tg).toMatchObject({ lifecycle: { create_before_destroy: true } });
    expect(tg.name).toBeUndefined();
    expect(tg.name_prefix.length).toBeLessThanOrEqual(6);
  });
  test('access logs: the regional ELB account writes them in us-east-1 (other regions: constructs.test.ts)', () => {
    const statement = (stack: Json) =>
      JSON.parse(resource(stack, 'aws_s3_bucket_policy', 'alb-log-bucket-policy').policy).Statement[1];
    expect(statement(fe()).Principal).toEqual({ AWS: '${data.aws_elb_service_account.elb-account.arn}' });
  });
  test('a domain name becomes the site URL, with an alias record when a hosted zone is given', () => {
    const env = {
      STUDENTS_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      STUDENTS_DOMAIN_NAME: 'Portal.Example.edu',
      STUDENTS_HOSTED_ZONE_ID: 'Z0123456789ABCDEFGHIJ',
    };
    const stack = synth(env).stacks['students-dev-frontend']!;
    expect(stack.output.site_url.value).toBe('https://portal.example.edu');
    expect(resource(stack, 'aws_route53_record', 'site-record')).toMatchObject({
      zone_id: 'Z0123456789ABCDEFGHIJ',
      name: 'portal.example.edu',
      type: 'A',
      alias: { name: '${aws_lb.alb.dns_name}', zone_id: '${aws_lb.alb.zone_id}', evaluate_target_health: true },
    });
    expect(fe().resource.aws_route53_record).toBeUndefined();
  });
  test('SSH is opt-in: a key and CIDRs open port 22 to those CIDRs only; Instance Connect adds an endpoint', () => {
    expect(resource(fe(), 'aws_launch_template', 'launch-template').key_name).toBeUndefined();
    const ssh = synth({
      STUDENTS_SSH_KEY_NAME: 'ops',
      STUDENTS_SSH_ALLOWED_CIDRS: '203.0.113.0/24',
      STUDENTS_INSTANCE_CONNECT_ENDPOINT: 'true',
    }).stacks['students-dev-frontend']!;
    expect(resource(ssh, 'aws_launch_template', 'launch-template').key_name).toBe('ops');
    expect(resource(ssh, 'aws_vpc_security_group_ingress_rule', 'app-ingress-ssh-0')).toMatchObject({
      from_port: 22,
      to_port: 22,
      cidr_ipv4: '203.0.113.0/24',
    });
    expect(resource(ssh, 'aws_ec2_instance_connect_endpoint', 'instance-connect-endpoint')).toBeDefined();
  });
  test('outputs: site URL, API URL, ASG name, target group, artifact and log buckets, SSM command', () => {
    const out = fe().output;
    // The monitoring stack reads the rest through cdktf's cross-stack outputs.
    expect(
      Object.keys(out)
        .filter((o) => !o.startsWith('cross-stack-output-'))
        .sort(),
    ).toEqual([
      'alb_log_bucket',
      'api_url',
      'artifact_bucket',
      'artifact_key',
      'asg_name',
      'frontend_log_group',
      'region',
      'site_url',
      'ssm_session_command',
      'target_group_arn',
    ]);
    expect(out.target_group_arn.value).toBe('${aws_lb_target_group.target-group.arn}');
    expect(out.alb_log_bucket.value).toBe('${aws_s3_bucket.alb-log-bucket.bucket}');
    expect(out.site_url.value).toBe('http://${aws_lb.alb.dns_name}');
    expect(out.api_url.value).toMatch(/cross-stack-reference-input-students-dev-api/);
    expect(out.ssm_session_command.value).toContain('aws ssm start-session');
  });
});

describe('configuration', () => {
  test('STUDENTS_DIRECTORY: names in dev, staff in prod, public only when set; the instances get it; a bad value names the setting', () => {
    expect(loadConfig({}).directory).toBe('names');
    expect(loadConfig({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }).directory).toBe('staff');
    expect(loadConfig({ STUDENTS_DIRECTORY: 'public' }).directory).toBe('public');
    expect(() => loadConfig({ STUDENTS_DIRECTORY: 'everyone' })).toThrow(
      /STUDENTS_DIRECTORY: "everyone" must be names/,
    );
    const fe = synth({ STUDENTS_DIRECTORY: 'staff' }).stacks['students-dev-frontend']!;
    expect(fe.locals.user_data).toContain("DIRECTORY_MODE='staff'");
  });
  test('defaults to dev', () => {
    expect(loadConfig({})).toMatchObject({
      environment: 'dev',
      region: 'us-east-1',
      azCount: 2,
      natMode: 'single',
      instanceType: 't4g.small',
      architecture: 'arm64',
      asg: { min: 2, desired: 2, max: 4 },
    });
  });
  test.each([
    [{ STUDENTS_ENV: 'Dev!' }, 'STUDENTS_ENV'],
    [{ STUDENTS_REGION: 'mars-1' }, 'STUDENTS_REGION'],
    [{ STUDENTS_AZ_COUNT: '1' }, 'STUDENTS_AZ_COUNT'],
    [{ STUDENTS_NAT_MODE: 'two' }, 'STUDENTS_NAT_MODE'],
    [{ STUDENTS_INSTANCE_TYPE: 'big' }, 'STUDENTS_INSTANCE_TYPE'],
    [{ STUDENTS_INSTANCE_TYPE: 't3.small', STUDENTS_ARCHITECTURE: 'arm64' }, 'STUDENTS_ARCHITECTURE'],
    [{ STUDENTS_ASG_MIN: '5', STUDENTS_ASG_MAX: '3' }, 'STUDENTS_ASG'],
    [{ STUDENTS_ASG_DESIRED: '9' }, 'STUDENTS_ASG_DESIRED'],
    [{ STUDENTS_ASG_MIN: 'two' }, 'STUDENTS_ASG_MIN'],
    [{ STUDENTS_LOG_RETENTION_DAYS: '10' }, 'STUDENTS_LOG_RETENTION_DAYS'],
    [{ STUDENTS_SSH_KEY_NAME: 'ops', STUDENTS_SSH_ALLOWED_CIDRS: '0.0.0.0/0' }, 'STUDENTS_SSH_ALLOWED_CIDRS'],
    [{ STUDENTS_SSH_KEY_NAME: 'ops' }, 'STUDENTS_SSH_ALLOWED_CIDRS'],
    [{ STUDENTS_SSH_ALLOWED_CIDRS: '203.0.113.0/24' }, 'STUDENTS_SSH_KEY_NAME'],
    [{ STUDENTS_SSH_KEY_NAME: 'ops', STUDENTS_SSH_ALLOWED_CIDRS: '10.0.0.300/32' }, 'STUDENTS_SSH_ALLOWED_CIDRS'],
    [{ STUDENTS_CERTIFICATE_ARN: 'arn:aws:iam::1:thing' }, 'STUDENTS_CERTIFICATE_ARN'],
    [
      {
        STUDENTS_CERTIFICATE_ARN: 'arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
      },
      'STUDENTS_CERTIFICATE_ARN',
    ],
    [{ STUDENTS_STATE_BUCKET: 'Bad_Bucket' }, 'STUDENTS_STATE_BUCKET'],
    [{ STUDENTS_DELETION_PROTECTION: 'maybe' }, 'STUDENTS_DELETION_PROTECTION'],
    [{ STUDENTS_DOMAIN_NAME: 'not a name' }, 'STUDENTS_DOMAIN_NAME'],
    [{ STUDENTS_HOSTED_ZONE_ID: 'Z0123456789ABCDEFGHIJ' }, 'STUDENTS_HOSTED_ZONE_ID'],
    [{ STUDENTS_AMI_ID: 'ami-xyz' }, 'STUDENTS_AMI_ID'],
  ])('%p fails naming %s', (env, setting) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`Invalid setting ${setting}`));
  });
  test('a world-open SSH CIDR is refused with the reason', () => {
    expect(() =>
      loadConfig({ STUDENTS_SSH_KEY_NAME: 'ops', STUDENTS_SSH_ALLOWED_CIDRS: '203.0.113.0/24,0.0.0.0/0' }),
    ).toThrow(/whole internet/);
  });
});

describe('staff sign-in at the load balancer', () => {
  const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012';
  const https = { STUDENTS_CERTIFICATE_ARN: CERT, STUDENTS_DOMAIN_NAME: 'portal.example.edu' };
  // The school's provider of the documented OIDC configuration (per-az), without its other settings.
  const OIDC = Object.fromEntries(
    Object.entries(CONFIGURATIONS.find((c) => c.name === 'per-az')?.env ?? {}).filter(([k]) =>
      k.startsWith('STUDENTS_STAFF_'),
    ),
  );
  const frontendOf = (env: Record<string, string>) => synth(env).stacks['students-dev-frontend']!;

  test('cognito: admin-created users, MFA available, a hosted domain; /staff authenticated, then forwarded', () => {
    const fe = frontendOf({ ...https, STUDENTS_STAFF_AUTH: 'cognito' });
    expect(resource(fe, 'aws_cognito_user_pool', 'staff-user-pool')).toMatchObject({
      name: 'students-dev-staff',
      admin_create_user_config: { allow_admin_create_user_only: true },
      mfa_configuration: 'OPTIONAL',
      software_token_mfa_configuration: { enabled: true },
      username_attributes: ['email'],
      deletion_protection: 'ACTIVE',
      password_policy: { minimum_length: 12 },
    });
    expect(resource(fe, 'aws_cognito_user_pool_domain', 'staff-user-pool-domain').domain).toBe(
      'students-dev-staff-${data.aws_caller_identity.staff-account.account_id}',
    );
    expect(resource(fe, 'aws_cognito_user_pool_client', 'staff-user-pool-client')).toMatchObject({
      generate_secret: true,
      allowed_oauth_flows: ['code'],
      allowed_oauth_flows_user_pool_client: true,
      callback_urls: ['https://portal.example.edu/oauth2/idpresponse'],
      supported_identity_providers: ['COGNITO'],
    });
    const rule = resource(fe, 'aws_lb_listener_rule', 'staff-sign-in-rule');
    expect(rule.listener_arn).toBe('${aws_lb_listener.https-listener.arn}');
    expect(rule.condition).toEqual([{ path_pattern: { values: ['/staff', '/staff/*'] } }]);
    expect(rule.action).toEqual([
      expect.objectContaining({
        type: 'authenticate-cognito',
        order: 1,
        authenticate_cognito: expect.objectContaining({
          user_pool_arn: '${aws_cognito_user_pool.staff-user-pool.arn}',
          on_unauthenticated_request: 'authenticate',
        }),
      }),
      { type: 'forward', order: 2, target_group_arn: '${aws_lb_target_group.target-group.arn}' },
    ]);
    expect(resource(fe, 'aws_vpc_security_group_egress_rule', 'alb-egress-identity-provider')).toMatchObject({
      from_port: 443,
      cidr_ipv4: '0.0.0.0/0',
    });
    const userData = String(fe.locals.user_data);
    expect(userData).toContain("STAFF_SIGNER_ARN='${aws_lb.alb.arn}'");
    expect(userData).toMatch(
      /STAFF_SIGN_OUT_URL='https:\/\/\$\{aws_cognito_user_pool_domain\.staff-user-pool-domain\.domain\}\.auth\.us-east-1\.amazoncognito\.com\/logout\?client_id=/,
    );
    expect(fe.output.staff_user_pool_id.value).toBe('${aws_cognito_user_pool.staff-user-pool.id}');
  });

  test("oidc: the school's provider, its secret read from an SSM SecureString; no user pool", () => {
    const fe = frontendOf({ ...https, ...OIDC });
    expect(fe.data.aws_ssm_parameter['staff-oidc-client-secret']).toMatchObject({
      name: '/students/qa/oidc-client-secret',
      with_decryption: true,
    });
    const rule = resource(fe, 'aws_lb_listener_rule', 'staff-sign-in-rule');
    expect(rule.action[0]).toMatchObject({
      type: 'authenticate-oidc',
      authenticate_oidc: {
        issuer: 'https://login.school.example',
        client_id: 'students-portal',
        client_secret: '${data.aws_ssm_parameter.staff-oidc-client-secret.value}',
      },
    });
    expect(fe.resource.aws_cognito_user_pool).toBeUndefined();
  });

  test('refused without the HTTPS listener, naming both settings; a missing provider URL names its setting; none adds nothing', () => {
    expect(() => loadConfig({ STUDENTS_STAFF_AUTH: 'cognito' })).toThrow(
      /STUDENTS_STAFF_AUTH: staff sign-in \(cognito\) needs the HTTPS listener: set STUDENTS_CERTIFICATE_ARN too/,
    );
    expect(() => loadConfig({ ...https, ...OIDC, STUDENTS_STAFF_OIDC_TOKEN_ENDPOINT: '' })).toThrow(
      /STUDENTS_STAFF_OIDC_TOKEN_ENDPOINT: STUDENTS_STAFF_AUTH=oidc needs it/,
    );
    expect(() => loadConfig({ ...https, ...OIDC, STUDENTS_STAFF_OIDC_ISSUER: 'http://login.school.example' })).toThrow(
      /STUDENTS_STAFF_OIDC_ISSUER: "http:\/\/login.school.example" is not an https:\/\/ URL/,
    );
    const fe = frontendOf(https);
    expect(fe.resource.aws_lb_listener_rule).toBeUndefined();
    expect(String(fe.locals.user_data)).toContain("STAFF_SIGNER_ARN=''");
  });
});

describe('AWS Backup of the table', () => {
  const dataOf = (env: Record<string, string>) => synth(env).stacks['students-dev-data']!;

  test('on in prod, off in dev unless STUDENTS_BACKUP; 35 and 7 days; settings that need it refuse without it', () => {
    expect(loadConfig({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }).backup).toEqual({
      enabled: true,
      retentionDays: 35,
    });
    expect(loadConfig({}).backup).toEqual({ enabled: false, retentionDays: 7 });
    expect(dataOf({}).resource.aws_backup_plan).toBeUndefined();
    expect(() => loadConfig({ STUDENTS_BACKUP_COPY_REGION: 'us-west-2' })).toThrow(
      /STUDENTS_BACKUP_COPY_REGION: needs the backup itself: set STUDENTS_BACKUP=true too/,
    );
    expect(() => loadConfig({ STUDENTS_BACKUP: 'true', STUDENTS_BACKUP_COPY_REGION: 'us-east-1' })).toThrow(
      /STUDENTS_BACKUP_COPY_REGION: "us-east-1" is the environment's own region/,
    );
    expect(() => loadConfig({ STUDENTS_BACKUP: 'true', STUDENTS_BACKUP_VAULT_LOCK_DAYS: '8' })).toThrow(
      /STUDENTS_BACKUP_VAULT_LOCK_DAYS: 8 is outside 1\.\.7/,
    );
  });

  test('a vault, a daily plan, the table selected by reference, the service role with its two managed policies', () => {
    const data = dataOf({ STUDENTS_BACKUP: 'true' });
    expect(resource(data, 'aws_backup_vault', 'backup-vault')).toMatchObject({
      name: 'students-dev-backup',
      lifecycle: { prevent_destroy: true },
    });
    const rule = block(resource(data, 'aws_backup_plan', 'backup-plan').rule);
    expect(rule).toMatchObject({
      target_vault_name: '${aws_backup_vault.backup-vault.name}',
      schedule: 'cron(0 3 * * ? *)',
      lifecycle: { delete_after: 7 },
    });
    expect(rule?.copy_action).toBeUndefined();
    expect(resource(data, 'aws_backup_selection', 'backup-selection')).toMatchObject({
      resources: ['${aws_dynamodb_table.students-table.arn}'],
      iam_role_arn: '${aws_iam_role.backup-role.arn}',
    });
    expect(JSON.parse(resource(data, 'aws_iam_role', 'backup-role').assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(Object.values(data.resource.aws_iam_role_policy_attachment).map((a) => (a as Json).policy_arn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
      'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
    ]);
  });

  test('a copy in another region through a provider alias, and both vaults locked in compliance mode', () => {
    const data = dataOf({
      STUDENTS_BACKUP: 'true',
      STUDENTS_BACKUP_COPY_REGION: 'us-west-2',
      STUDENTS_BACKUP_VAULT_LOCK_DAYS: '7',
    });
    const copyProvider = (data.provider.aws as Json[]).find((p) => p.alias === 'backup-copy');
    expect(copyProvider?.region).toBe('us-west-2');
    expect(resource(data, 'aws_backup_vault', 'backup-copy-vault')).toMatchObject({
      provider: 'aws.backup-copy',
      name: 'students-dev-backup-copy',
    });
    expect(block(resource(data, 'aws_backup_plan', 'backup-plan').rule)?.copy_action).toEqual([
      { destination_vault_arn: '${aws_backup_vault.backup-copy-vault.arn}', lifecycle: { delete_after: 7 } },
    ]);
    for (const lock of ['backup-vault-lock', 'backup-copy-vault-lock'])
      expect(resource(data, 'aws_backup_vault_lock_configuration', lock)).toMatchObject({
        min_retention_days: 7,
        changeable_for_days: 3,
      });
    expect(resource(data, 'aws_backup_vault_lock_configuration', 'backup-copy-vault-lock').provider).toBe(
      'aws.backup-copy',
    );
  });
});
