import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';
import type { PolicyStatement } from '../iam';
import { PrivateBucket } from './private-bucket';

/** TLS policy for the HTTPS listener: TLS 1.3, and 1.2 with forward secrecy. */
export const TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

/**
 * Regions whose load balancers deliver access logs as a regional ELB account. Regions opened
 * later (ap-southeast-3 and after: eu-central-2, me-central-1, il-central-1, …) have no such
 * account; there the log-delivery service principal writes the logs.
 */
export const ELB_ACCOUNT_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'af-south-1',
  'ap-east-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-south-1',
  'eu-north-1',
  'me-south-1',
  'sa-east-1',
  'us-gov-east-1',
  'us-gov-west-1',
  'cn-north-1',
  'cn-northwest-1',
]);

/** Props of the internet-facing load balancer. */
export interface LoadBalancerProps {
  /** Physical names: `<namePrefix>-alb`, and the log bucket's prefix. */
  readonly namePrefix: string;
  readonly region: string;
  readonly vpcId: string;
  /** Public subnets, one per zone. */
  readonly subnetIds: string[];
  /** Port the targets listen on. */
  readonly targetPort: number;
  /** Path of the targets' liveness check. */
  readonly healthCheckPath: string;
  /**
   * ACM certificate: an HTTPS listener, and HTTP redirected to it.
   * @default HTTP only
   */
  readonly certificateArn?: string;
  /**
   * The site's own DNS name (the certificate's).
   * @default the load balancer's DNS name
   */
  readonly domainName?: string;
  /**
   * Hosted zone in which an alias record points `domainName` at the load balancer.
   * @default no record (point the name at the load balancer yourself)
   */
  readonly hostedZoneId?: string;
  /** Deletion protection on the load balancer; also keeps the log bucket from being emptied on destroy. */
  readonly deletionProtection: boolean;
  /** Days the access logs are kept. */
  readonly logRetentionDays: number;
}

/**
 * An Application Load Balancer in the public subnets: its security group (the internet on 80, and
 * 443 with a certificate), access logs in a private bucket, a target group checked on the liveness
 * path, the listeners, and optionally the site's DNS record.
 */
export class LoadBalancer extends Construct {
  public readonly securityGroupId: string;
  /** The load balancer's ARN (what a web ACL is associated with). */
  public readonly arn: string;
  public readonly targetGroupArn: string;
  /** `https://<domain or ALB DNS name>` (or `http://` without a certificate). */
  public readonly siteUrl: string;
  public readonly dnsName: string;
  /** `app/<name>/<id>`: the LoadBalancer dimension of its CloudWatch metrics. */
  public readonly arnSuffix: string;
  /** `targetgroup/<name>/<id>`: the TargetGroup dimension. */
  public readonly targetGroupArnSuffix: string;
  /** The access-log bucket's (generated) name. */
  public readonly logBucketName: string;
  /** The HTTPS listener, when there is a certificate. */
  public readonly httpsListenerArn?: string;

  constructor(scope: Construct, id: string, props: LoadBalancerProps) {
    super(scope, id);
    const https = props.certificateArn !== undefined;

    const account = new DataAwsCallerIdentity(this, 'account');
    account.overrideLogicalId('account');
    const logPrefix = 'alb';
    const logDelivery = (bucketArn: string): PolicyStatement => {
      const statement = {
        Sid: 'ElbLogDelivery',
        Effect: 'Allow',
        Action: 's3:PutObject',
        Resource: `${bucketArn}/${logPrefix}/AWSLogs/${account.accountId}/*`,
      } as const;
      if (!ELB_ACCOUNT_REGIONS.has(props.region))
        return { ...statement, Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' } };
      const elbAccount = new DataAwsElbServiceAccount(this, 'elb-account', {});
      elbAccount.overrideLogicalId('elb-account');
      return { ...statement, Principal: { AWS: elbAccount.arn } };
    };
    // SSE-S3: log delivery cannot write with a KMS key.
    const logBucket = new PrivateBucket(this, 'alb-log-bucket', {
      bucketPrefix: `${props.namePrefix}-alb-logs-`,
      forceDestroy: !props.deletionProtection,
      preventDestroy: props.deletionProtection,
      expireCurrentAfterDays: props.logRetentionDays,
      extraStatements: (bucketArn) => [logDelivery(bucketArn)],
    });

    // A prefix, not a name, so a change that forces replacement can create the new group first.
    const sg = new SecurityGroup(this, 'alb-sg', {
      namePrefix: `${props.namePrefix}-alb-`,
      description: 'Internet-facing load balancer of the student portal',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    sg.overrideLogicalId('alb-sg');
    const ingress: Record<number, VpcSecurityGroupIngressRule> = {};
    for (const port of https ? [80, 443] : [80]) {
      ingress[port] = new VpcSecurityGroupIngressRule(this, `alb-ingress-${port}`, {
        securityGroupId: sg.id,
        description:
          port === 443
            ? 'HTTPS from the internet'
            : https
              ? 'HTTP from the internet, redirected to HTTPS'
              : 'HTTP from the internet (no certificate configured)',
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        cidrIpv4: '0.0.0.0/0',
      });
      ingress[port].overrideLogicalId(`alb-ingress-${port}`);
    }

    const alb = new Lb(this, 'alb', {
      name: `${props.namePrefix}-alb`,
      loadBalancerType: 'application',
      internal: false,
      securityGroups: [sg.id],
      subnets: props.subnetIds,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: 'defensive',
      idleTimeout: 60,
      enableDeletionProtection: props.deletionProtection,
      accessLogs: { bucket: logBucket.bucketName, prefix: logPrefix, enabled: true },
      dependsOn: [logBucket.policy],
    });
    alb.overrideLogicalId('alb');
    const targetGroup = new LbTargetGroup(this, 'target-group', {
      // At most 6 characters; AWS appends a unique suffix, so a replacement can come up first.
      namePrefix: 'web-',
      port: props.targetPort,
      protocol: 'HTTP',
      vpcId: props.vpcId,
      deregistrationDelay: '30',
      healthCheck: {
        path: props.healthCheckPath,
        matcher: '200',
        interval: 15,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
      lifecycle: { createBeforeDestroy: true },
    });
    targetGroup.overrideLogicalId('target-group');

    const forward = [{ type: 'forward', targetGroupArn: targetGroup.arn }];
    const httpsListener = https
      ? new LbListener(this, 'https-listener', {
          loadBalancerArn: alb.arn,
          port: 443,
          protocol: 'HTTPS',
          sslPolicy: TLS_POLICY,
          certificateArn: props.certificateArn,
          defaultAction: forward,
        })
      : undefined;
    httpsListener?.overrideLogicalId('https-listener');
    new LbListener(this, 'http-listener', {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: 'HTTP',
      defaultAction: https
        ? [{ type: 'redirect', redirect: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }]
        : forward,
      // Redirect only once 443 listens and is open: adding a certificate never sends anyone to a closed port.
      dependsOn: httpsListener && ingress[443] ? [httpsListener, ingress[443]] : undefined,
    }).overrideLogicalId('http-listener');

    if (props.hostedZoneId && props.domainName) {
      new Route53Record(this, 'site-record', {
        zoneId: props.hostedZoneId,
        name: props.domainName,
        type: 'A',
        alias: { name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true },
      }).overrideLogicalId('site-record');
    }

    this.securityGroupId = sg.id;
    this.targetGroupArn = targetGroup.arn;
    this.dnsName = alb.dnsName;
    this.arnSuffix = alb.arnSuffix;
    this.arn = alb.arn;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.logBucketName = logBucket.bucketName;
    if (httpsListener) this.httpsListenerArn = httpsListener.arn;
    this.siteUrl = `${https ? 'https' : 'http'}://${props.domainName ?? alb.dnsName}`;
  }

  /** Lets the load balancer reach `securityGroupId` on `port` (its only egress). */
  allowTo(securityGroupId: string, port: number): void {
    new VpcSecurityGroupEgressRule(this, 'alb-egress-app', {
      securityGroupId: this.securityGroupId,
      description: 'To the frontend instances on the app port',
      ipProtocol: 'tcp',
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: securityGroupId,
    }).overrideLogicalId('alb-egress-app');
  }
}
