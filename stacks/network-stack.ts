import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsAvailabilityZones } from '@cdktf/provider-aws/lib/data-aws-availability-zones';
import { DefaultSecurityGroup } from '@cdktf/provider-aws/lib/default-security-group';
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { FlowLog } from '@cdktf/provider-aws/lib/flow-log';
import { InternetGateway } from '@cdktf/provider-aws/lib/internet-gateway';
import { NatGateway } from '@cdktf/provider-aws/lib/nat-gateway';
import { Route } from '@cdktf/provider-aws/lib/route';
import { RouteTable } from '@cdktf/provider-aws/lib/route-table';
import { RouteTableAssociation } from '@cdktf/provider-aws/lib/route-table-association';
import { Subnet } from '@cdktf/provider-aws/lib/subnet';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import { VpcEndpoint } from '@cdktf/provider-aws/lib/vpc-endpoint';
import { Fn, Token } from 'cdktf';
import type { Construct } from 'constructs';
import { nameOf, prefixOf, SETTING_VARIABLES } from './config';
import { DataKey, type DataKeyRef } from './constructs/data-key';
import { ServiceRole } from './constructs/service-role';
import { LOG_GROUP_NAMES, logGroupPatterns } from './log-group-names';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';

/** Props of the network stack. */
export interface NetworkStackProps extends StudentsStackProps {
  /**
   * The VPC's address range; public subnets take /24s from its start, private ones /20s after.
   * @default '10.0.0.0/16'
   */
  readonly cidrBlock?: string;
}

/**
 * The VPC: public and private subnets over the configured AZs, an internet gateway, NAT as
 * configured, an S3 gateway endpoint, flow logs, and a default security group with no rules.
 * With STUDENTS_CMK, the environment's data key too: this stack deploys first, and its flow logs
 * are the first data the key encrypts.
 */
export class NetworkStack extends EnvironmentStack {
  public readonly vpcId: string;
  /** Subnets for internet-facing load balancers. */
  public readonly publicSubnetIds: string[];
  /** Subnets the instances run in: private ones, or the public ones when the NAT mode is `none`. */
  public readonly instanceSubnetIds: string[];
  /** True when instances run in public subnets and need public addresses (NAT mode `none`). */
  public readonly instancesArePublic: boolean;
  /** The NAT gateways' ids (none in NAT mode `none`), for their alarms. */
  public readonly natGatewayIds: string[];
  /** The environment's customer-managed key (STUDENTS_CMK), for the stacks after this one. */
  public readonly dataKey?: DataKeyRef;

  constructor(scope: Construct, props: NetworkStackProps) {
    super(scope, 'network', props);
    const { config } = props;
    const cidrBlock = props.cidrBlock ?? '10.0.0.0/16';
    const dataKey = config.customerManagedKey
      ? new DataKey(this, 'data-key', {
          namePrefix: prefixOf(config),
          region: config.region,
          logGroupNames: logGroupPatterns(prefixOf(config)),
          preventDestroy: config.deletionProtection,
        })
      : undefined;

    const vpc = new Vpc(this, 'vpc', {
      cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: nameOf(config, 'vpc') },
    });
    // Strip every rule from the default security group, so nothing can use it by accident.
    new DefaultSecurityGroup(this, 'default-security-group', {
      vpcId: vpc.id,
      tags: { Name: nameOf(config, 'default-deny') },
    });

    // Every Availability Zone of the region, whatever its momentary state (a zone that turns
    // impaired must not shift the list and replace subnets), and no Local or Wavelength Zones.
    const zones = new DataAwsAvailabilityZones(this, 'zones', {
      filter: [{ name: 'zone-type', values: ['availability-zone'] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${config.azCount}}`,
            errorMessage: `${SETTING_VARIABLES.azCount} is ${config.azCount}, but ${config.region} has fewer Availability Zones.`,
          },
        ],
      },
    });
    const igw = new InternetGateway(this, 'internet-gateway', { vpcId: vpc.id, tags: { Name: nameOf(config, 'igw') } });

    const publicTable = new RouteTable(this, 'public-route-table', {
      vpcId: vpc.id,
      tags: { Name: nameOf(config, 'public') },
    });
    new Route(this, 'public-default-route', {
      routeTableId: publicTable.id,
      destinationCidrBlock: '0.0.0.0/0',
      gatewayId: igw.id,
    });

    const publicSubnets: Subnet[] = [];
    const privateSubnets: Subnet[] = [];
    const privateTables: RouteTable[] = [];
    const nats: NatGateway[] = [];
    for (let i = 0; i < config.azCount; i++) {
      // An index, not element(): element() wraps around and would put two subnets in one zone.
      const az = Token.asString(Fn.lookupNested(zones.names, [i]));
      const pub = new Subnet(this, `public-subnet-${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(cidrBlock, 8, i),
        // Instances ask for a public address explicitly (NAT mode none); nothing gets one by default.
        mapPublicIpOnLaunch: false,
        tags: { Name: nameOf(config, `public-${i}`), tier: 'public' },
      });
      new RouteTableAssociation(this, `public-subnet-${i}-routes`, { subnetId: pub.id, routeTableId: publicTable.id });
      publicSubnets.push(pub);

      const priv = new Subnet(this, `private-subnet-${i}`, {
        vpcId: vpc.id,
        availabilityZone: az,
        cidrBlock: Fn.cidrsubnet(cidrBlock, 4, i + 1),
        mapPublicIpOnLaunch: false,
        tags: { Name: nameOf(config, `private-${i}`), tier: 'private' },
      });
      const table = new RouteTable(this, `private-route-table-${i}`, {
        vpcId: vpc.id,
        tags: { Name: nameOf(config, `private-${i}`) },
      });
      new RouteTableAssociation(this, `private-subnet-${i}-routes`, { subnetId: priv.id, routeTableId: table.id });
      privateSubnets.push(priv);
      privateTables.push(table);

      if (config.natMode === 'per-az' || (config.natMode === 'single' && i === 0)) {
        const eip = new Eip(this, `nat-ip-${i}`, { domain: 'vpc', tags: { Name: nameOf(config, `nat-${i}`) } });
        nats.push(
          new NatGateway(this, `nat-gateway-${i}`, {
            allocationId: eip.allocationId,
            subnetId: pub.id,
            tags: { Name: nameOf(config, `nat-${i}`) },
            dependsOn: [igw],
          }),
        );
      }
    }
    privateTables.forEach((table, i) => {
      const nat = nats[config.natMode === 'per-az' ? i : 0];
      if (nat)
        new Route(this, `private-default-route-${i}`, {
          routeTableId: table.id,
          destinationCidrBlock: '0.0.0.0/0',
          natGatewayId: nat.id,
        });
    });

    // S3 traffic (the frontend artifact, package mirrors) stays off the NAT gateway.
    new VpcEndpoint(this, 's3-endpoint', {
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${config.region}.s3`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [publicTable.id, ...privateTables.map((t) => t.id)],
      tags: { Name: nameOf(config, 's3') },
    });

    const flowLogGroup = new CloudwatchLogGroup(this, 'flow-log-group', {
      name: LOG_GROUP_NAMES.flowLogs(prefixOf(config)),
      retentionInDays: config.logRetentionDays,
      kmsKeyId: dataKey?.keyArn,
    });
    const account = new DataAwsCallerIdentity(this, 'account');
    const flowLogRole = new ServiceRole(this, 'flow-log-role', {
      roleName: nameOf(config, 'vpc-flow-logs'),
      service: 'vpc-flow-logs.amazonaws.com',
      sourceAccount: account.accountId,
      policyName: 'write-flow-logs',
      statements: [
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
          Resource: [flowLogGroup.arn, `${flowLogGroup.arn}:*`],
        },
      ],
    });
    new FlowLog(this, 'flow-log', {
      vpcId: vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogGroup.arn,
      iamRoleArn: flowLogRole.roleArn,
      maxAggregationInterval: 60,
    });

    this.vpcId = vpc.id;
    this.dataKey = dataKey;
    this.natGatewayIds = nats.map((n) => n.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.instancesArePublic = config.natMode === 'none';
    this.instanceSubnetIds = (this.instancesArePublic ? publicSubnets : privateSubnets).map((s) => s.id);
  }
}
