/**
 * The environment's customer-managed key (STUDENTS_CMK): one key, rotated, kept while deletion
 * protection is on, with a policy that names CloudWatch Logs for the environment's own log groups
 * only; and every table, log group, the artifact bucket and each function's environment use it.
 */
import { loadConfig } from '../stacks/config';
import { logGroupPatterns } from '../stacks/log-group-names';
import { statefulRuleFor } from '../stacks/stateful';
import { block, resource, synth, type Json } from './helpers/synth';

const CMK = { STUDENTS_CMK: 'true', STUDENTS_BACKUP: 'true' };
const KEY = '${data.terraform_remote_state.cross-stack-reference-input-students-dev-network';

/** Every resource of `type` across the stacks, by stack and address. */
function all(stacks: Record<string, Json>, type: string): [string, Json][] {
  return Object.entries(stacks).flatMap(([stack, json]) =>
    Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).map(
      ([name, r]) => [`${stack}:${type}.${name}`, r] as [string, Json],
    ),
  );
}

/** The key as a stack refers to it: a reference in its own stack, or one across stacks. */
const isKeyRef = (v: unknown) =>
  typeof v === 'string' && (v === '${aws_kms_key.data-key.arn}' || (v.startsWith(KEY) && v.includes('data-key')));

describe('STUDENTS_CMK', () => {
  test('off by default in every preset; a bad value names the setting', () => {
    expect(loadConfig({}).customerManagedKey).toBe(false);
    expect(loadConfig({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }).customerManagedKey).toBe(
      false,
    );
    expect(() => loadConfig({ STUDENTS_CMK: 'maybe' })).toThrow(/STUDENTS_CMK/);
    const { stacks } = synth({});
    expect(all(stacks, 'aws_kms_key').map(([a]) => a)).toEqual([
      'students-dev-frontend:aws_kms_key.seal-key',
      'students-dev-monitoring:aws_kms_key.alarm-key',
    ]);
    for (const [address, group] of all(stacks, 'aws_cloudwatch_log_group'))
      expect([address, group.kms_key_id]).toEqual([address, undefined]);
  });

  test('one key in the network stack (deployed first), rotated, kept while deletion protection is on, aliased', () => {
    const network = synth(CMK).stacks['students-dev-network']!;
    expect(resource(network, 'aws_kms_key', 'data-key')).toMatchObject({
      enable_key_rotation: true,
      deletion_window_in_days: 30,
      lifecycle: { prevent_destroy: true },
    });
    expect(resource(network, 'aws_kms_alias', 'data-key-alias').name).toBe('alias/students-dev-data');
    expect(statefulRuleFor('aws_kms_key.data-key')?.why).toMatch(/cannot be read/);
    const unprotected = synth({ ...CMK, STUDENTS_DELETION_PROTECTION: 'false' }).stacks['students-dev-network']!;
    expect(resource(unprotected, 'aws_kms_key', 'data-key').lifecycle).toEqual({ prevent_destroy: false });
  });

  test("the key policy: the account administers it; CloudWatch Logs may use it for this environment's log groups only", () => {
    const network = synth(CMK).stacks['students-dev-network']!;
    const statements = JSON.parse(resource(network, 'aws_kms_key', 'data-key').policy).Statement as Json[];
    expect(statements.map((s) => s.Sid)).toEqual(['AccountAdministers', 'EnvironmentLogGroups']);
    expect(statements[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::${data.aws_caller_identity.data-key-account.account_id}:root' },
    });
    const logs = statements[1]!;
    expect(logs.Principal).toEqual({ Service: 'logs.us-east-1.amazonaws.com' });
    const arns = logs.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'] as string[];
    expect(arns).toEqual(
      logGroupPatterns('students-dev').map(
        (n) => `arn:aws:logs:us-east-1:\${data.aws_caller_identity.data-key-account.account_id}:log-group:${n}`,
      ),
    );
    // Every log group of the environment matches one of them, and another environment's does not.
    const names = all(synth(CMK).stacks, 'aws_cloudwatch_log_group').map(([, g]) => String(g.name));
    expect(names.length).toBeGreaterThanOrEqual(9);
    const like = (pattern: string, name: string) =>
      new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name);
    const patterns = logGroupPatterns('students-dev');
    for (const name of names) {
      const concrete = name.replace(/\$\{aws_api_gateway_rest_api\.api\.id\}/, 'a1b2c3d4e5');
      expect([name, patterns.some((p) => like(p, concrete))]).toEqual([name, true]);
    }
    expect(patterns.some((p) => like(p, '/aws/lambda/students-qa-list-students'))).toBe(false);
    expect(patterns.some((p) => like(p, '/students-qa/frontend/app'))).toBe(false);
  });

  test('every log group, both tables, the artifact bucket and every function use the key', () => {
    const { stacks } = synth(CMK);
    const groups = all(stacks, 'aws_cloudwatch_log_group');
    for (const [address, group] of groups) expect([address, isKeyRef(group.kms_key_id)]).toEqual([address, true]);
    const tables = all(stacks, 'aws_dynamodb_table');
    expect(tables).toHaveLength(2);
    for (const [address, table] of tables)
      expect([
        address,
        table.server_side_encryption.enabled,
        isKeyRef(table.server_side_encryption.kms_key_arn),
      ]).toEqual([address, true, true]);
    const functions = all(stacks, 'aws_lambda_function');
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const [address, fn] of functions) expect([address, isKeyRef(fn.kms_key_arn)]).toEqual([address, true]);
    const buckets = Object.fromEntries(all(stacks, 'aws_s3_bucket_server_side_encryption_configuration'));
    const sse = (address: string) => block(buckets[address]!.rule)!.apply_server_side_encryption_by_default as Json;
    expect(
      sse('students-dev-frontend:aws_s3_bucket_server_side_encryption_configuration.artifact-bucket-encryption'),
    ).toMatchObject({
      sse_algorithm: 'aws:kms',
    });
    expect(
      isKeyRef(
        sse('students-dev-frontend:aws_s3_bucket_server_side_encryption_configuration.artifact-bucket-encryption')
          .kms_master_key_id,
      ),
    ).toBe(true);
    // Load balancer log delivery writes only with SSE-S3.
    expect(
      sse('students-dev-frontend:aws_s3_bucket_server_side_encryption_configuration.alb-log-bucket-encryption'),
    ).toEqual({
      sse_algorithm: 'AES256',
    });
  });

  test('the roles that read through DynamoDB, Lambda and S3 may use the key through those services only', () => {
    const { stacks } = synth(CMK);
    const policies = Object.fromEntries(all(stacks, 'aws_iam_role_policy'));
    const keyStatements = Object.entries(policies)
      .map(
        ([address, p]) =>
          [address, (JSON.parse(p.policy).Statement as Json[]).find((s) => s.Sid === 'DataKey')] as const,
      )
      .filter(([, s]) => s);
    const lambdas = keyStatements.filter(([a]) => a.includes('students-dev-api:'));
    expect(lambdas.length).toBeGreaterThanOrEqual(3);
    for (const [address, s] of lambdas) {
      expect([address, isKeyRef(s!.Resource)]).toEqual([address, true]);
      expect([address, s!.Condition]).toEqual([
        address,
        { StringEquals: { 'kms:ViaService': ['dynamodb.us-east-1.amazonaws.com', 'lambda.us-east-1.amazonaws.com'] } },
      ]);
    }
    const instance = keyStatements.filter(([a]) => a.includes('students-dev-frontend:'));
    expect(instance.map(([, s]) => [s!.Action, s!.Condition])).toEqual([
      [['kms:Decrypt', 'kms:DescribeKey'], { StringEquals: { 'kms:ViaService': ['s3.us-east-1.amazonaws.com'] } }],
    ]);
    // Without the key, no role mentions one.
    const plain = Object.values(Object.fromEntries(all(synth({}).stacks, 'aws_iam_role_policy')));
    expect(plain.filter((p) => p.policy.includes('DataKey'))).toEqual([]);
  });
});
