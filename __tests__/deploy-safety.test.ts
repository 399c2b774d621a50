/**
 * What keeps a plain `cdktf deploy` or `cdktf destroy` as safe as the ops tools, and what keeps
 * day-2 changes from stranding the fleet, in the synthesized Terraform: `prevent_destroy` on every
 * data-bearing resource while deletion protection is on, an AMI that follows the architecture, and
 * HTTP redirecting only once HTTPS listens.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, expect, test } from '@jest/globals';
import { loadConfig } from '../stacks/config';
import { block, cleanupSynth, type Json, resource, resources, synth } from './helpers/synth';

afterAll(cleanupSynth);

/** Resource types whose deletion loses data: the table, buckets (artifacts, access logs), KMS keys. */
const DATA_BEARING = ['aws_dynamodb_table', 'aws_s3_bucket', 'aws_kms_key'];

test.each([
  [{}, true],
  [{ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012', STUDENTS_STATE_BUCKET: 'tf-state' }, true],
  [{ STUDENTS_ENV: 'scratch', STUDENTS_AWS_ACCOUNT_ID: '123456789012', STUDENTS_DELETION_PROTECTION: 'false' }, false],
])('prevent_destroy on every data-bearing resource follows deletion protection (%p)', (env, protectedOn) => {
  const { stacks } = synth(env);
  const found = DATA_BEARING.flatMap((type) => resources(stacks, type));
  expect(found.map(([, address]) => address).sort()).toEqual(
    [
      'aws_dynamodb_table.name-words-table',
      'aws_dynamodb_table.students-table',
      'aws_kms_key.alarm-key',
      'aws_kms_key.seal-key',
      'aws_s3_bucket.alb-log-bucket',
      'aws_s3_bucket.artifact-bucket',
    ].sort(),
  );
  for (const [, address, body] of found)
    expect([address, (body.lifecycle as Json | undefined)?.prevent_destroy]).toEqual([address, protectedOn]);
});

test('the recorded AMI is replaced when the architecture changes, and the launch template checks the image', () => {
  const frontend = (env: Record<string, string>) => synth(env).stacks['students-dev-frontend'] as Json;
  const arm = frontend({});
  const x86 = frontend({ STUDENTS_INSTANCE_TYPE: 't3.small' });
  expect(resource(arm, 'terraform_data', 'ami').triggers_replace).toEqual({ architecture: 'arm64' });
  expect(resource(x86, 'terraform_data', 'ami').triggers_replace).toEqual({ architecture: 'x86_64' });
  expect(arm.data.aws_ami.image.filter).toEqual([
    { name: 'image-id', values: ['${terraform_data.ami.output["image_id"]}'] },
  ]);
  const precondition = block(resource(x86, 'aws_launch_template', 'launch-template').lifecycle.precondition);
  expect(precondition?.condition).toBe('${data.aws_ami.image.architecture == "x86_64"}');
  expect(precondition?.error_message).toMatch(/instance type t3\.small needs/);
  // A pinned AMI is checked the same way.
  const pinned = frontend({ STUDENTS_AMI_ID: 'ami-0123456789abcdef0' });
  expect(pinned.resource.terraform_data?.ami).toBeUndefined();
  expect(pinned.data.aws_ami.image.filter[0].values).toEqual(['ami-0123456789abcdef0']);
});

test('with a certificate, HTTP redirects only after the HTTPS listener and its ingress rule exist', () => {
  const withCert = synth({
    STUDENTS_CERTIFICATE_ARN: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
  });
  const http = resource(withCert.stacks['students-dev-frontend'] as Json, 'aws_lb_listener', 'http-listener');
  expect(http.default_action[0].type).toBe('redirect');
  expect(http.depends_on).toEqual([
    'aws_lb_listener.https-listener',
    'aws_vpc_security_group_ingress_rule.alb-ingress-443',
  ]);
  const plain = resource(synth().stacks['students-dev-frontend'] as Json, 'aws_lb_listener', 'http-listener');
  expect(plain.depends_on).toBeUndefined();
});

const ACCOUNT = '123456789012';

test('STUDENTS_AWS_ACCOUNT_ID pins every stack, the account stack included, to one account', () => {
  const { stacks } = synth({ STUDENTS_AWS_ACCOUNT_ID: ACCOUNT, STUDENTS_STATE_BUCKET: 'acme-terraform-state' });
  expect(Object.keys(stacks)).toHaveLength(6);
  for (const [name, json] of Object.entries(stacks))
    expect([name, block(json.provider.aws)?.allowed_account_ids]).toEqual([name, [ACCOUNT]]);
  for (const json of Object.values(synth().stacks))
    expect(block(json.provider.aws)?.allowed_account_ids).toBeUndefined();
});

test('every environment but dev refuses to synthesize without its account (exit 2, naming the variable)', () => {
  expect(() => loadConfig({ STUDENTS_ENV: 'prod' })).toThrow(
    'Invalid setting STUDENTS_AWS_ACCOUNT_ID: environment "prod" must name the AWS account it deploys to',
  );
  expect(() => loadConfig({ STUDENTS_AWS_ACCOUNT_ID: '12345' })).toThrow('"12345" is not a 12-digit AWS account id');
  const res = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: path.resolve(__dirname, '..'),
    env: { ...process.env, STUDENTS_ENV: 'staging', STUDENTS_AWS_ACCOUNT_ID: '' },
    encoding: 'utf8',
  });
  expect(res.status).toBe(2);
  expect(res.stderr).toContain('Invalid setting STUDENTS_AWS_ACCOUNT_ID');
});

test('the account stack: one backend whatever the environment, so two environments converge on one state', () => {
  const remote = { STUDENTS_AWS_ACCOUNT_ID: ACCOUNT, STUDENTS_STATE_BUCKET: 'acme-terraform-state' };
  const prod = synth({ ...remote, STUDENTS_ENV: 'prod' }).raw['students-account-us-east-1'];
  const qa = synth({ ...remote, STUDENTS_ENV: 'qa' }).raw['students-account-us-east-1'];
  expect(prod).toBeDefined();
  expect(qa).toBe(prod);
  expect(JSON.parse(prod as string).terraform.backend.s3.key).toBe(
    'students/account/students-account-us-east-1.tfstate',
  );
  // dev on local state leaves it out unless asked: a laptop's state must not claim the account's setting.
  expect(synth().stacks['students-account-us-east-1']).toBeUndefined();
  expect(synth({ STUDENTS_MANAGE_APIGW_ACCOUNT: 'true' }).stacks['students-account-us-east-1']).toBeDefined();
});

test('each function publishes a version and API Gateway invokes its live alias, never $LATEST', () => {
  const api = synth().stacks['students-dev-api'] as Json;
  for (const fn of ['list-students', 'signup-students']) {
    expect(resource(api, 'aws_lambda_function', fn).publish).toBe(true);
    expect(resource(api, 'aws_lambda_alias', `${fn}-live`)).toMatchObject({
      name: 'live',
      function_name: `\${aws_lambda_function.${fn}.function_name}`,
      function_version: `\${aws_lambda_function.${fn}.version}`,
    });
  }
  for (const [, , integration] of resources({ api }, 'aws_api_gateway_integration').filter(
    ([, , i]) => i.type === 'AWS_PROXY',
  ))
    expect(integration.uri).toMatch(/^\$\{aws_lambda_alias\.[a-z-]+-live\.invoke_arn\}$/);
});

test('index changes in order: the list function serves the name order only when switched on; the table update may take hours', () => {
  const env = (over: Record<string, string>) =>
    resource(synth(over).stacks['students-dev-api'] as Json, 'aws_lambda_function', 'list-students').environment
      .variables;
  expect(env({}).DIRECTORY_ORDER).toBe('on');
  expect(env({ STUDENTS_DIRECTORY_ORDER: 'false' }).DIRECTORY_ORDER).toBe('off');
  const signup = resource(synth().stacks['students-dev-api'] as Json, 'aws_lambda_function', 'signup-students');
  expect(signup.environment.variables.DIRECTORY_ORDER).toBeUndefined();
  const table = resource(synth().stacks['students-dev-data'] as Json, 'aws_dynamodb_table', 'students-table');
  expect(table.timeouts).toEqual({ create: '30m', update: '4h', delete: '30m' });
});
