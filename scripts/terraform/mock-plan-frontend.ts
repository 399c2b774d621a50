/** The frontend stack's mock plan: the user data as decoded, the fleet's wiring, the configuration's extras. */
import { NODE_MAJOR } from '../../core/contract';
import type { DeploymentConfig } from '../../stacks/config';
import { APP_PORT, ARTIFACT_PREFIX } from '../../stacks/frontend-stack';
import { ELB_ACCOUNT_REGIONS } from '../../stacks/constructs/load-balancer';
import { plainUserData } from '../../stacks/user-data';
import { crossStack, hclString, type Json, known, run, standIn } from './hcl';

/** The bucket and artifact version the frontend's mock plan gives its artifact. */
export const MOCK_ARTIFACT_BUCKET = 'students-artifacts-mock';
export const MOCK_ARTIFACT_VERSION = 'version-mock';
export const MOCK_SEAL_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000000';
const MOCK_ALB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/mock/0123456789abcdef';
const MOCK_ALB_DNS = 'alb-mock.elb.example';
const MOCK_ACCOUNT = '123456789012';
const MOCK_STAFF_CLIENT = 'client-mock';

/** Where staff sign-out ends, as the stack renders it with the mock plan's known values. */
function staffSignOutUrl(config: DeploymentConfig): string {
  const auth = config.staffAuth;
  if (auth.mode === 'oidc') return auth.oidc.logoutUrl ?? '/';
  if (auth.mode === 'none') return '';
  const site = `${config.certificateArn ? 'https' : 'http'}://${config.domainName ?? MOCK_ALB_DNS}/`;
  return `https://students-${config.environment}-staff-${MOCK_ACCOUNT}.auth.${config.region}.amazoncognito.com/logout?client_id=${MOCK_STAFF_CLIENT}&logout_uri=${encodeURIComponent(site)}`;
}
export function frontendRuns(stack: Json, stacks: Record<string, Json>, config: DeploymentConfig): string[] {
  const object = stack.resource.aws_s3_object['frontend-artifact'];
  const expectedUserData = plainUserData({
    artifactBucket: MOCK_ARTIFACT_BUCKET,
    artifactKey: String(object.key),
    artifactVersion: MOCK_ARTIFACT_VERSION,
    region: config.region,
    appLogGroup: `/students-${config.environment}/frontend/app`,
    bootstrapLogGroup: `/students-${config.environment}/frontend/bootstrap`,
    apiEndpoint: `${standIn('aws_api_gateway_stage.stage.invoke_url')}/student`,
    apiAccess: config.edge.apiAccess,
    directory: config.directory,
    staffSignerArn: config.staffAuth.mode === 'none' ? '' : MOCK_ALB_ARN,
    staffSignOutUrl: staffSignOutUrl(config),
    sealKeyArn: MOCK_SEAL_KEY_ARN,
    sealKeyGeneration: config.edge.sealKeyGeneration,
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
    known('aws_kms_key.seal-key', { arn: MOCK_SEAL_KEY_ARN }),
    ...['app', 'bootstrap'].map((k) =>
      known(`aws_cloudwatch_log_group.frontend-${k}-log-group`, {
        arn: `arn:aws:logs:us-east-1:123456789012:log-group:frontend-${k}`,
      }),
    ),
    known('aws_s3_bucket.alb-log-bucket', { bucket: 'alb-logs-mock', arn: 'arn:aws:s3:::alb-logs-mock' }),
    known('aws_lb.alb', {
      dns_name: MOCK_ALB_DNS,
      zone_id: 'ZALBMOCK',
      arn: MOCK_ALB_ARN,
      arn_suffix: 'app/mock/0123456789abcdef',
    }),
    ...(config.staffAuth.mode === 'cognito'
      ? [
          known('aws_cognito_user_pool_client.staff-user-pool-client', { id: MOCK_STAFF_CLIENT }),
          `override_data {\n  target = data.aws_caller_identity.staff-account\n  values = { account_id = "${MOCK_ACCOUNT}" }\n}`,
        ]
      : []),
    ...(config.amiId ? [] : [known('terraform_data.ami', { output: { image_id: 'ami-recorded' } })]),
    `override_data {\n  target = data.aws_ami.image\n  override_during = plan\n  values = { architecture = "${config.architecture}" }\n}`,
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
      'aws_wafv2_web_acl_association.site-firewall-association.resource_arn == aws_lb.alb.arn',
      'the web ACL guards the load balancer',
    ],
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
  const otherArchitecture = config.architecture === 'arm64' ? 'x86_64' : 'arm64';
  // An AMI of the other architecture must stop the plan at the launch template's precondition.
  const mismatch = `run "ami_architecture_mismatch" {\n  command = plan\n  override_data {\n    target = data.aws_ami.image\n    override_during = plan\n    values = { architecture = "${otherArchitecture}" }\n  }\n  expect_failures = [aws_launch_template.launch-template]\n}`;
  // Only a pinned AMI is read at plan time in a test: a recorded one is a resource still to be
  // created here, so Terraform reads the image (and checks the precondition) during the apply.
  return [...overrides, run('frontend', asserts), ...(config.amiId ? [mismatch] : [])];
}
