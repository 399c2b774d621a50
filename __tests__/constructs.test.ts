/**
 * Constructs synthesized on their own (`Testing.synthScope`): what each one makes for the props it
 * is given, without building or synthesizing the whole app. The variants a deployment rarely
 * takes (newer regions, a domain, SSH) are tried here, each in milliseconds; `synth.test.ts`
 * checks the wiring of the app as configured.
 */
import { Testing } from 'cdktf';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FleetImage } from '../stacks/constructs/fleet-image';
import { LoadBalancer, type LoadBalancerProps } from '../stacks/constructs/load-balancer';
import { NodeFunction } from '../stacks/constructs/node-function';
import { PrivateBucket } from '../stacks/constructs/private-bucket';
import type { Json } from './helpers/synth';

/** The resources and data sources a construct synthesizes to, by type and name. */
function synthOf(build: (scope: Parameters<Parameters<typeof Testing.synthScope>[0]>[0]) => void): Json {
  return JSON.parse(Testing.synthScope(build));
}

const ALB: LoadBalancerProps = {
  namePrefix: 'students-dev',
  region: 'us-east-1',
  vpcId: 'vpc-1',
  subnetIds: ['subnet-a', 'subnet-b'],
  targetPort: 3000,
  healthCheckPath: '/healthz',
  deletionProtection: true,
  logRetentionDays: 30,
};

describe('LoadBalancer', () => {
  const logWriter = (json: Json) =>
    JSON.parse(json.resource.aws_s3_bucket_policy['alb-log-bucket-policy'].policy).Statement[1].Principal;

  test.each(['us-east-1', 'eu-west-1', 'sa-east-1'])(
    '%s: access logs are written by the regional ELB account',
    (region) => {
      const json = synthOf((scope) => new LoadBalancer(scope, 'lb', { ...ALB, region }));
      expect(logWriter(json)).toEqual({ AWS: '${data.aws_elb_service_account.elb-account.arn}' });
    },
  );

  test.each(['me-central-1', 'eu-central-2', 'il-central-1', 'ap-southeast-3'])(
    '%s (opened later, no ELB account): the log-delivery service principal writes the access logs',
    (region) => {
      const json = synthOf((scope) => new LoadBalancer(scope, 'lb', { ...ALB, region }));
      expect(logWriter(json)).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
      expect(json.data?.aws_elb_service_account).toBeUndefined();
    },
  );

  test('a certificate adds HTTPS and redirects HTTP; a domain in a hosted zone gets an alias record', () => {
    const plain = synthOf((scope) => new LoadBalancer(scope, 'lb', ALB));
    expect(Object.keys(plain.resource.aws_lb_listener)).toEqual(['http-listener']);
    expect(plain.resource.aws_route53_record).toBeUndefined();
    const tls = synthOf(
      (scope) =>
        new LoadBalancer(scope, 'lb', {
          ...ALB,
          certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
          domainName: 'portal.example.edu',
          hostedZoneId: 'Z0123456789ABCDEFGHIJ',
        }),
    );
    expect(Object.keys(tls.resource.aws_lb_listener).sort()).toEqual(['http-listener', 'https-listener']);
    expect(tls.resource.aws_lb_listener['http-listener'].default_action[0].type).toBe('redirect');
    expect(tls.resource.aws_route53_record['site-record']).toMatchObject({
      name: 'portal.example.edu',
      type: 'A',
      zone_id: 'Z0123456789ABCDEFGHIJ',
    });
  });
});

describe('NodeFunction', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'students-stub-asset-'));
  // A stub asset: synthesis hashes and copies the file, and never reads what is in it.
  const zip = path.join(dir, 'fn.zip');
  writeFileSync(zip, 'stub');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const props = {
    functionName: 'students-dev-list-students',
    bundleZip: zip,
    tableActions: ['dynamodb:Scan'],
    tableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/students-dev-Students',
    environment: { TABLE_NAME: 'students-dev-Students' },
    logRetentionDays: 30,
  };
  const statements = (json: Json) =>
    JSON.parse(Object.values(json.resource.aws_iam_role_policy as Record<string, Json>)[0]!.policy).Statement as Json[];

  test('its role may call exactly the actions given, each on its own table, index or name-words table', () => {
    const json = synthOf(
      (scope) =>
        new NodeFunction(scope, 'list-students', {
          ...props,
          indexActions: ['dynamodb:Query'],
          indexArn: `${props.tableArn}/index/by-name`,
          wordsActions: ['dynamodb:Query'],
        }),
    );
    const bySid = Object.fromEntries(statements(json).map((s) => [s.Sid, s]));
    expect(bySid.Table).toMatchObject({ Action: ['dynamodb:Scan'], Resource: props.tableArn });
    expect(bySid.Index).toMatchObject({ Action: ['dynamodb:Query'], Resource: `${props.tableArn}/index/by-name` });
    expect(bySid.NameWords).toMatchObject({ Action: ['dynamodb:Query'], Resource: `${props.tableArn}-name-words` });
  });

  test('without index or name-words actions, no statement names them', () => {
    const json = synthOf((scope) => new NodeFunction(scope, 'signup-students', props));
    expect(statements(json).map((s) => s.Sid)).toEqual(['Table', 'OwnLogs', 'Traces']);
  });

  test('an index action without the index is refused at synth, naming the function', () => {
    expect(() =>
      synthOf((scope) => new NodeFunction(scope, 'list-students', { ...props, indexActions: ['dynamodb:Query'] })),
    ).toThrow('students-dev-list-students: indexActions need an indexArn');
  });
});

describe('FleetImage', () => {
  test('unpinned: the current AL2023 AMI of the architecture, recorded in state and kept', () => {
    for (const architecture of ['arm64', 'x86_64'] as const) {
      const json = synthOf((scope) => new FleetImage(scope, 'image', { architecture }));
      expect(json.data.aws_ssm_parameter['al2023-ami'].name).toBe(
        `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`,
      );
      expect(json.resource.terraform_data.ami).toMatchObject({ lifecycle: { ignore_changes: ['input'] } });
    }
  });

  test('pinned: that AMI, and nothing recorded or looked up', () => {
    let image: FleetImage | undefined;
    const json = synthOf((scope) => {
      image = new FleetImage(scope, 'image', { architecture: 'arm64', amiId: 'ami-0123456789abcdef0' });
    });
    expect(image?.imageId).toBe('ami-0123456789abcdef0');
    expect(json.data?.aws_ssm_parameter).toBeUndefined();
    expect(json.resource?.terraform_data).toBeUndefined();
  });
});

describe('PrivateBucket', () => {
  test('lifecycle: old versions expire, and a delete marker left with no version is removed (a rule of its own)', () => {
    const json = synthOf(
      (scope) => new PrivateBucket(scope, 'logs', { bucketPrefix: 'students-dev-logs-', expireCurrentAfterDays: 90 }),
    );
    const [housekeeping, markers] = Object.values(
      json.resource.aws_s3_bucket_lifecycle_configuration as Record<string, Json>,
    )[0]!.rule;
    expect(housekeeping).toMatchObject({
      expiration: [{ days: 90 }],
      noncurrent_version_expiration: [{ noncurrent_days: 30 }],
    });
    expect(markers).toMatchObject({
      id: 'expired-delete-markers',
      expiration: [{ expired_object_delete_marker: true }],
    });
    expect(markers.expiration[0].days).toBeUndefined();
  });
});
