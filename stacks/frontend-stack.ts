import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { AssetType, Fn, TerraformAsset, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { NODE_MAJOR, PORTS } from '../core/contract';
import { nameOf, prefixOf } from './config';
import { InstanceFleet } from './constructs/instance-fleet';
import { LoadBalancer } from './constructs/load-balancer';
import { type DataKeyRef, keyUseStatement } from './constructs/data-key';
import { PrivateBucket } from './constructs/private-bucket';
import { LOG_GROUP_NAMES } from './log-group-names';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';
import { renderUserData } from './user-data';
import { SealKey } from './constructs/seal-key';
import { StaffSignIn } from './constructs/staff-sign-in';
import { WebFirewall } from './constructs/web-firewall';

/** Port the Express server listens on, behind the load balancer. */
export const APP_PORT = PORTS.frontend;
/** Liveness path: it never calls the API, so an API outage does not cycle healthy instances. */
export const HEALTH_PATH = '/healthz';
/** Prefix of the artifact keys; the instances may read any version under it (rollbacks). */
export const ARTIFACT_PREFIX = 'frontend/';
/** Days a replaced artifact stays readable by version: how far back a rollback can go. */
export const ARTIFACT_RETENTION_DAYS = 30;

/** Props of the frontend stack. */
export interface FrontendStackProps extends StudentsStackProps {
  readonly vpcId: string;
  /** Subnets of the internet-facing load balancer. */
  readonly publicSubnetIds: string[];
  /** Subnets of the Auto Scaling group. */
  readonly instanceSubnetIds: string[];
  /** Give instances public addresses (only when they run in public subnets, NAT mode `none`). */
  readonly instancesArePublic: boolean;
  /** The API's `/student` URL, written into the instances' environment. */
  readonly apiEndpoint: string;
  /** `execute-api` ARNs of the API's routes: the instance role may invoke these (IAM access). */
  readonly apiRouteArns: readonly string[];
  /** The frontend artifact (`dist/frontend.zip`, built reproducibly), shipped under a key that carries its hash. */
  readonly frontendZip: string;
  /** The environment's customer-managed key (STUDENTS_CMK): the artifact bucket and log groups. @default AWS's keys */
  readonly dataKey?: DataKeyRef;
}

/**
 * The presentation tier: the artifact in a private bucket, the instance fleet that runs it, and
 * the load balancer in front.
 */
export class FrontendStack extends EnvironmentStack {
  public readonly siteUrl: string;
  public readonly autoScalingGroupName: string;
  public readonly artifactBucketName: string;
  public readonly artifactKey: string;
  public readonly loadBalancerArnSuffix: string;
  public readonly targetGroupArnSuffix: string;

  constructor(scope: Construct, props: FrontendStackProps) {
    super(scope, 'frontend', props);
    const { config } = props;

    const artifactBucket = new PrivateBucket(this, 'artifact-bucket', {
      bucketPrefix: `${nameOf(config, 'artifacts')}-`,
      forceDestroy: !config.deletionProtection,
      preventDestroy: config.deletionProtection,
      noncurrentVersionDays: ARTIFACT_RETENTION_DAYS,
      kmsKeyArn: props.dataKey?.keyArn,
    });
    const asset = new TerraformAsset(this, 'frontend-bundle', { path: props.frontendZip, type: AssetType.FILE });
    const artifactKey = `${ARTIFACT_PREFIX}${asset.assetHash}.zip`;
    const artifact = new S3Object(this, 'frontend-artifact', {
      bucket: artifactBucket.bucketName,
      key: artifactKey,
      source: asset.path,
      sourceHash: Fn.filemd5(asset.path),
      // The new object exists before the old one becomes a noncurrent version.
      lifecycle: { createBeforeDestroy: true },
    });

    // Shipped by the CloudWatch agent on each instance, so the logs outlive the instance.
    const [appLogs, bootstrapLogs] = ['app', 'bootstrap'].map(
      (kind) =>
        new CloudwatchLogGroup(this, `frontend-${kind}-log-group`, {
          name: LOG_GROUP_NAMES.frontend(prefixOf(config), kind),
          retentionInDays: config.logRetentionDays,
          kmsKeyId: props.dataKey?.keyArn,
        }),
    ) as [CloudwatchLogGroup, CloudwatchLogGroup];

    const loadBalancer = new LoadBalancer(this, 'load-balancer', {
      namePrefix: prefixOf(config),
      region: config.region,
      vpcId: props.vpcId,
      subnetIds: props.publicSubnetIds,
      targetPort: APP_PORT,
      healthCheckPath: HEALTH_PATH,
      certificateArn: config.certificateArn,
      domainName: config.domainName,
      hostedZoneId: config.hostedZoneId,
      deletionProtection: config.deletionProtection,
      logRetentionDays: config.logRetentionDays,
    });

    // Anyone on the internet reaches the portal: a web ACL in front of the load balancer, with a
    // stricter rate on the signup form than on pages.
    new WebFirewall(this, 'site-firewall', {
      name: nameOf(config, 'site'),
      resourceArn: loadBalancer.arn,
      rateLimit: config.edge.wafRateLimit,
      pathRateLimit: { method: 'POST', path: '/students', limit: config.edge.wafSignupRateLimit },
      logRetentionDays: config.logRetentionDays,
      kmsKeyId: props.dataKey?.keyArn,
    });
    const sealKey = new SealKey(this, 'seal-key', {
      namePrefix: prefixOf(config),
      preventDestroy: config.deletionProtection,
    });
    const iamAccess = config.edge.apiAccess === 'iam';
    // Staff sign in at the load balancer (the config refuses it without the HTTPS listener).
    const staffSignIn =
      config.staffAuth.mode !== 'none' && loadBalancer.httpsListenerArn
        ? new StaffSignIn(this, 'staff-sign-in', {
            namePrefix: prefixOf(config),
            region: config.region,
            listenerArn: loadBalancer.httpsListenerArn,
            targetGroupArn: loadBalancer.targetGroupArn,
            loadBalancerSecurityGroupId: loadBalancer.securityGroupId,
            siteUrl: loadBalancer.siteUrl,
            ...(config.staffAuth.mode === 'oidc' ? { oidc: config.staffAuth.oidc } : {}),
            deletionProtection: config.deletionProtection,
          })
        : undefined;

    const fleet = new InstanceFleet(this, 'fleet', {
      namePrefix: prefixOf(config),
      vpcId: props.vpcId,
      subnetIds: props.instanceSubnetIds,
      publicAddresses: props.instancesArePublic,
      instanceType: config.instanceType,
      architecture: config.architecture,
      amiId: config.amiId,
      userData: renderUserData({
        artifactBucket: artifactBucket.bucketName,
        artifactKey: artifact.key,
        artifactVersion: artifact.versionId,
        region: config.region,
        appLogGroup: appLogs.name,
        bootstrapLogGroup: bootstrapLogs.name,
        apiEndpoint: props.apiEndpoint,
        apiAccess: config.edge.apiAccess,
        directory: config.directory,
        staffSignerArn: staffSignIn ? loadBalancer.arn : '',
        staffSignOutUrl: staffSignIn?.signOutUrl ?? '',
        sealKeyArn: sealKey.keyArn,
        sealKeyGeneration: config.edge.sealKeyGeneration,
        appPort: APP_PORT,
        nodeMajor: NODE_MAJOR,
      }),
      statements: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:GetObjectVersion'],
          Resource: `${artifactBucket.bucketArn}/${ARTIFACT_PREFIX}*`,
        },
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [appLogs.arn, `${appLogs.arn}:*`, bootstrapLogs.arn, `${bootstrapLogs.arn}:*`],
        },
        sealKey.generateMacStatement(),
        // The artifact is encrypted with the environment's key: the instances read it through S3.
        ...(props.dataKey ? [keyUseStatement(props.dataKey, ['s3'], true)] : []),
        // The API answers signed calls of this role, on its two routes, and nothing else.
        ...(iamAccess
          ? [{ Effect: 'Allow' as const, Action: 'execute-api:Invoke', Resource: [...props.apiRouteArns] }]
          : []),
      ],
      appPort: APP_PORT,
      loadBalancerSecurityGroupId: loadBalancer.securityGroupId,
      targetGroupArns: [loadBalancer.targetGroupArn],
      capacity: config.asg,
      tags: this.tags,
      ssh: config.ssh,
      instanceConnectEndpoint: config.instanceConnectEndpoint,
    });
    loadBalancer.allowTo(fleet.securityGroupId, APP_PORT);

    this.siteUrl = loadBalancer.siteUrl;
    this.loadBalancerArnSuffix = loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = loadBalancer.targetGroupArnSuffix;
    this.autoScalingGroupName = fleet.autoScalingGroupName;
    this.artifactBucketName = artifactBucket.bucketName;
    this.artifactKey = artifactKey;

    const asgName = fleet.autoScalingGroupName;
    new TerraformOutput(this, 'site_url', { value: this.siteUrl, description: 'The student portal' });
    new TerraformOutput(this, 'api_url', { value: props.apiEndpoint, description: 'The API the frontend calls' });
    new TerraformOutput(this, 'asg_name', { value: asgName });
    new TerraformOutput(this, 'artifact_bucket', { value: artifactBucket.bucketName });
    new TerraformOutput(this, 'target_group_arn', {
      value: loadBalancer.targetGroupArn,
      description: 'The instances behind the load balancer (aws elbv2 describe-target-health)',
    });
    new TerraformOutput(this, 'alb_log_bucket', { value: loadBalancer.logBucketName, description: 'The access logs' });
    new TerraformOutput(this, 'artifact_key', { value: artifactKey });
    new TerraformOutput(this, 'region', { value: config.region });
    if (staffSignIn?.userPoolId)
      new TerraformOutput(this, 'staff_user_pool_id', {
        value: staffSignIn.userPoolId,
        description: 'Staff accounts: aws cognito-idp admin-create-user --user-pool-id <this> --username <email>',
      });
    new TerraformOutput(this, 'frontend_log_group', {
      value: appLogs.name,
      description: 'The app log of every instance, one stream each',
    });
    new TerraformOutput(this, 'ssm_session_command', {
      description: 'Starts a shell on one in-service instance over SSM (or: npm run connect)',
      value: `aws ssm start-session --region ${config.region} --target "$(aws autoscaling describe-auto-scaling-groups --region ${config.region} --auto-scaling-group-names ${asgName} --query 'AutoScalingGroups[0].Instances[?LifecycleState==\`InService\`].InstanceId | [0]' --output text)"`,
    });
  }
}
