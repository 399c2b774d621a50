import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { Ec2InstanceConnectEndpoint } from '@cdktf/provider-aws/lib/ec2-instance-connect-endpoint';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { AssetType, Fn, TerraformAsset, TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { nameOf } from './config';
import { assumeRolePolicy, policyDocument } from './iam';
import { PrivateBucket } from './private-bucket';
import { StudentsStack, type StudentsStackProps } from './students-stack';
import { renderUserData } from './user-data';

/** Port the Express server listens on, behind the load balancer. */
export const APP_PORT = 3000;
/** Liveness path: it never calls the API, so an API outage does not cycle healthy instances. */
export const HEALTH_PATH = '/healthz';
/** Node major on the instances: the Lambdas' and the tests'. */
export const NODE_MAJOR = 22;
/** TLS policy for the HTTPS listener: TLS 1.3, and 1.2 with forward secrecy. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

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
  /** The built frontend (`dist/frontend`), shipped to S3 as a zip whose key carries its hash. */
  readonly frontendDistDir: string;
}

/**
 * The presentation tier: an artifact bucket holding the frontend bundle, a launch template
 * (AL2023, IMDSv2, encrypted gp3) whose user data runs the bundle under systemd, an Auto
 * Scaling group in the instance subnets, and an Application Load Balancer in front.
 */
export class FrontendStack extends StudentsStack {
  public readonly siteUrl: string;
  public readonly autoScalingGroupName: string;
  public readonly artifactBucketName: string;
  public readonly artifactKey: string;

  constructor(scope: Construct, props: FrontendStackProps) {
    super(scope, 'frontend', props);
    const { config } = props;
    const https = config.certificateArn !== undefined;
    const account = new DataAwsCallerIdentity(this, 'account');

    // --- Artifact: dist/frontend, zipped, under a key that changes with its content.
    const artifactBucket = new PrivateBucket(this, 'artifact-bucket', {
      bucketPrefix: `${nameOf(config, 'artifacts')}-`,
      forceDestroy: !config.deletionProtection,
    });
    const asset = new TerraformAsset(this, 'frontend-bundle', { path: props.frontendDistDir, type: AssetType.ARCHIVE });
    const artifactKey = `frontend/${asset.assetHash}.zip`;
    const artifact = new S3Object(this, 'frontend-artifact', {
      bucket: artifactBucket.bucketName,
      key: artifactKey,
      source: asset.path,
      sourceHash: Fn.filemd5(asset.path),
    });

    // --- Load balancer access logs: SSE-S3, since log delivery cannot use a KMS key.
    const elbAccount = new DataAwsElbServiceAccount(this, 'elb-account', {});
    const logBucket = new PrivateBucket(this, 'alb-log-bucket', {
      bucketPrefix: `${nameOf(config, 'alb-logs')}-`,
      forceDestroy: !config.deletionProtection,
      expireCurrentAfterDays: config.logRetentionDays,
      extraStatements: (bucketArn) => [
        {
          Sid: 'ElbLogDelivery',
          Effect: 'Allow',
          Principal: { AWS: elbAccount.arn },
          Action: 's3:PutObject',
          Resource: `${bucketArn}/alb/AWSLogs/${account.accountId}/*`,
        },
      ],
    });

    // --- Security groups: the internet reaches the ALB, the ALB reaches the app port, nothing else.
    const albSg = new SecurityGroup(this, 'alb-sg', {
      name: nameOf(config, 'alb'),
      description: 'Internet-facing load balancer of the student portal',
      vpcId: props.vpcId,
    });
    const appSg = new SecurityGroup(this, 'app-sg', {
      name: nameOf(config, 'app'),
      description: 'Frontend instances: app port from the load balancer only',
      vpcId: props.vpcId,
    });
    const publicPorts = https ? [80, 443] : [80];
    for (const port of publicPorts) {
      new VpcSecurityGroupIngressRule(this, `alb-ingress-${port}`, {
        securityGroupId: albSg.id,
        description: port === 443 ? 'HTTPS from the internet' : https ? 'HTTP from the internet, redirected to HTTPS' : 'HTTP from the internet (no certificate configured)',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
    }
    new VpcSecurityGroupEgressRule(this, 'alb-egress-app', {
      securityGroupId: albSg.id,
      description: 'To the frontend instances on the app port',
      ipProtocol: 'tcp',
      fromPort: APP_PORT,
      toPort: APP_PORT,
      referencedSecurityGroupId: appSg.id,
    });
    new VpcSecurityGroupIngressRule(this, 'app-ingress-alb', {
      securityGroupId: appSg.id,
      description: 'App port from the load balancer',
      ipProtocol: 'tcp',
      fromPort: APP_PORT,
      toPort: APP_PORT,
      referencedSecurityGroupId: albSg.id,
    });
    new VpcSecurityGroupEgressRule(this, 'app-egress-https', {
      securityGroupId: appSg.id,
      description: 'HTTPS out: the API, SSM, S3 and the package repositories',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    });
    if (config.ssh) {
      config.ssh.allowedCidrs.forEach((cidr, i) => {
        new VpcSecurityGroupIngressRule(this, `app-ingress-ssh-${i}`, {
          securityGroupId: appSg.id,
          description: `SSH from ${cidr} (configured)`,
          ipProtocol: 'tcp',
          fromPort: 22,
          toPort: 22,
          cidrIpv4: cidr,
        });
      });
    }
    if (config.instanceConnectEndpoint) {
      const eicSg = new SecurityGroup(this, 'instance-connect-sg', {
        name: nameOf(config, 'instance-connect'),
        description: 'EC2 Instance Connect endpoint: SSH to the frontend instances',
        vpcId: props.vpcId,
      });
      new VpcSecurityGroupEgressRule(this, 'instance-connect-egress-ssh', {
        securityGroupId: eicSg.id,
        description: 'SSH to the frontend instances',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        referencedSecurityGroupId: appSg.id,
      });
      new VpcSecurityGroupIngressRule(this, 'app-ingress-instance-connect', {
        securityGroupId: appSg.id,
        description: 'SSH from the EC2 Instance Connect endpoint',
        ipProtocol: 'tcp',
        fromPort: 22,
        toPort: 22,
        referencedSecurityGroupId: eicSg.id,
      });
      new Ec2InstanceConnectEndpoint(this, 'instance-connect-endpoint', {
        subnetId: Fn.element(props.instanceSubnetIds, 0),
        securityGroupIds: [eicSg.id],
        preserveClientIp: false,
        tags: { Name: nameOf(config, 'instance-connect') },
      });
    }

    // --- Instance role: SSM Session Manager, and read access to exactly the artifact object.
    const role = new IamRole(this, 'instance-role', {
      name: nameOf(config, 'frontend-instance'),
      assumeRolePolicy: assumeRolePolicy('ec2.amazonaws.com'),
    });
    new IamRolePolicyAttachment(this, 'instance-role-ssm', {
      role: role.name,
      policyArn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
    new IamRolePolicy(this, 'instance-role-artifact', {
      role: role.id,
      name: 'read-frontend-artifact',
      policy: policyDocument([{ Effect: 'Allow', Action: 's3:GetObject', Resource: `${artifactBucket.bucketArn}/${artifactKey}` }]),
    });
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: nameOf(config, 'frontend-instance'), role: role.name });

    // --- Launch template.
    const ami = new DataAwsSsmParameter(this, 'al2023-ami', {
      name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${config.architecture}`,
    });
    const userData = renderUserData({
      artifactBucket: artifactBucket.bucketName,
      artifactKey: artifact.key,
      apiEndpoint: props.apiEndpoint,
      appPort: APP_PORT,
      nodeMajor: NODE_MAJOR,
    });
    const launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: nameOf(config, 'frontend'),
      description: 'Student portal frontend (Express) on Amazon Linux 2023',
      imageId: ami.insecureValue,
      instanceType: config.instanceType,
      keyName: config.ssh?.keyName,
      iamInstanceProfile: { arn: profile.arn },
      userData: Fn.base64encode(userData),
      updateDefaultVersion: true,
      metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'disabled' },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        { deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', volumeSize: 20, encrypted: 'true', deleteOnTermination: 'true' } },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: props.instancesArePublic ? 'true' : 'false',
          securityGroups: [appSg.id],
          deleteOnTermination: 'true',
        },
      ],
      tagSpecifications: [
        { resourceType: 'instance', tags: { Name: nameOf(config, 'frontend') } },
        { resourceType: 'volume', tags: { Name: nameOf(config, 'frontend') } },
      ],
    });

    // --- Load balancer.
    const alb = new Lb(this, 'alb', {
      name: nameOf(config, 'alb'),
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [albSg.id],
      subnets: props.publicSubnetIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      idleTimeout: 60,
      enableDeletionProtection: config.deletionProtection,
      accessLogs: { bucket: logBucket.bucketName, prefix: 'alb', enabled: true },
      dependsOn: [logBucket.policy],
    });
    const targetGroup = new LbTargetGroup(this, 'target-group', {
      name: nameOf(config, 'frontend'),
      port: APP_PORT,
      protocol: 'HTTP',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: { path: HEALTH_PATH, matcher: '200', interval: 15, timeout: 5, healthyThreshold: 2, unhealthyThreshold: 3 },
    });
    if (https) {
      new LbListener(this, 'https-listener', {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: 'HTTPS',
        sslPolicy: TLS_POLICY,
        certificateArn: config.certificateArn,
        defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      });
      new LbListener(this, 'http-listener', {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }],
      });
    } else {
      new LbListener(this, 'http-listener', {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: 'HTTP',
        defaultAction: [{ type: 'forward', targetGroupArn: targetGroup.arn }],
      });
    }

    // --- Auto Scaling group.
    const asg = new AutoscalingGroup(this, 'asg', {
      name: nameOf(config, 'frontend'),
      vpcZoneIdentifier: props.instanceSubnetIds,
      minSize: config.asg.min,
      maxSize: config.asg.max,
      desiredCapacity: config.asg.desired,
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 180,
      targetGroupArns: [targetGroup.arn],
      launchTemplate: { id: launchTemplate.id, version: Fn.tostring(launchTemplate.latestVersion) },
      instanceRefresh: { strategy: 'Rolling', preferences: { minHealthyPercentage: 50, instanceWarmup: '120' } },
      defaultInstanceWarmup: 120,
      tag: [{ key: 'Name', value: nameOf(config, 'frontend'), propagateAtLaunch: true }],
      // The scaling policy moves the desired capacity; a deploy should not reset it.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });
    new AutoscalingPolicy(this, 'cpu-target-tracking', {
      name: nameOf(config, 'frontend-cpu'),
      autoscalingGroupName: asg.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: { predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' }, targetValue: 50 },
    });

    this.siteUrl = `${https ? 'https' : 'http'}://${alb.dnsName}`;
    this.autoScalingGroupName = asg.name;
    this.artifactBucketName = artifactBucket.bucketName;
    this.artifactKey = artifactKey;

    new TerraformOutput(this, 'site_url', { value: this.siteUrl, description: 'The student portal' });
    new TerraformOutput(this, 'api_url', { value: props.apiEndpoint, description: 'The API the frontend calls' });
    new TerraformOutput(this, 'asg_name', { value: asg.name });
    new TerraformOutput(this, 'artifact_bucket', { value: artifactBucket.bucketName });
    new TerraformOutput(this, 'artifact_key', { value: artifactKey });
    new TerraformOutput(this, 'region', { value: config.region });
    new TerraformOutput(this, 'ssm_session_command', {
      description: 'Starts a shell on one in-service instance over SSM (or: npm run connect)',
      value: `aws ssm start-session --region ${config.region} --target "$(aws autoscaling describe-auto-scaling-groups --region ${config.region} --auto-scaling-group-names ${asg.name} --query 'AutoScalingGroups[0].Instances[?LifecycleState==\`InService\`].InstanceId | [0]' --output text)"`,
    });
  }
}
