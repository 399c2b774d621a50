import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { IamInstanceProfile } from '@cdktf/provider-aws/lib/iam-instance-profile';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Fn, TerraformLocal } from 'cdktf';
import { Construct } from 'constructs';
import type { Architecture } from '../config';
import type { PolicyStatement } from '../iam';
import { FleetImage } from './fleet-image';
import { InstanceConnect } from './instance-connect';
import { ServiceRole } from './service-role';

/** Props of the instances behind the load balancer. */
export interface InstanceFleetProps {
  /** Physical names: `<namePrefix>-frontend` and friends. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** Subnets the instances run in. */
  readonly subnetIds: string[];
  /** Give instances public addresses (only when they run in public subnets). */
  readonly publicAddresses: boolean;
  readonly instanceType: string;
  readonly architecture: Architecture;
  /**
   * A pinned AMI.
   * @default the AL2023 AMI current at the first deploy, kept in state until `-replace=terraform_data.ami`
   */
  readonly amiId?: string;
  /** The user data script, with Terraform references where values come from other resources. */
  readonly userData: string;
  /** What the instances may do beyond SSM Session Manager (e.g. read their artifact). */
  readonly statements: readonly PolicyStatement[];
  /** Port the app listens on. */
  readonly appPort: number;
  /** The load balancer's security group: the only source of app traffic. */
  readonly loadBalancerSecurityGroupId: string;
  /** Target groups the instances register with. */
  readonly targetGroupArns: string[];
  readonly capacity: { readonly min: number; readonly desired: number; readonly max: number };
  /** Tags for the instances, volumes and network interfaces (the provider's default tags do not reach them). */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * SSH: a key pair and the CIDRs that may reach port 22.
   * @default no SSH (use SSM)
   */
  readonly ssh?: { readonly keyName: string; readonly allowedCidrs: readonly string[] };
  /**
   * An EC2 Instance Connect endpoint, for SSH to private instances without a bastion.
   * @default false
   */
  readonly instanceConnectEndpoint?: boolean;
}

/**
 * The frontend instances: their security group, an instance role, a launch template (AL2023,
 * IMDSv2, encrypted gp3), and an Auto Scaling group that checks them through the load balancer,
 * tracks CPU, and replaces them by rolling refresh at full capacity, rolling back on failure.
 */
export class InstanceFleet extends Construct {
  public readonly securityGroupId: string;
  public readonly autoScalingGroupName: string;
  public readonly roleName: string;

  constructor(scope: Construct, id: string, props: InstanceFleetProps) {
    super(scope, id);
    const name = `${props.namePrefix}-frontend`;

    const sg = new SecurityGroup(this, 'app-sg', {
      namePrefix: `${props.namePrefix}-app-`,
      description: 'Frontend instances: app port from the load balancer only',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    sg.overrideLogicalId('app-sg');
    const rule = (
      kind: 'ingress' | 'egress',
      address: string,
      config: { description: string; port: number; cidr?: string; peer?: string },
    ) => {
      const Rule = kind === 'ingress' ? VpcSecurityGroupIngressRule : VpcSecurityGroupEgressRule;
      new Rule(this, address, {
        securityGroupId: sg.id,
        description: config.description,
        ipProtocol: 'tcp',
        fromPort: config.port,
        toPort: config.port,
        cidrIpv4: config.cidr,
        referencedSecurityGroupId: config.peer,
      }).overrideLogicalId(address);
    };
    rule('ingress', 'app-ingress-alb', {
      description: 'App port from the load balancer',
      port: props.appPort,
      peer: props.loadBalancerSecurityGroupId,
    });
    rule('egress', 'app-egress-https', {
      description: 'HTTPS out: the API, SSM, S3 and the package repositories',
      port: 443,
      cidr: '0.0.0.0/0',
    });
    for (const [i, cidr] of (props.ssh?.allowedCidrs ?? []).entries()) {
      rule('ingress', `app-ingress-ssh-${i}`, { description: `SSH from ${cidr} (configured)`, port: 22, cidr });
    }
    if (props.instanceConnectEndpoint) {
      new InstanceConnect(this, 'instance-connect', {
        namePrefix: props.namePrefix,
        vpcId: props.vpcId,
        subnetId: Fn.element(props.subnetIds, 0),
        instanceSecurityGroupId: sg.id,
      });
    }

    const role = new ServiceRole(this, 'instance-role', {
      roleName: `${name}-instance`,
      service: 'ec2.amazonaws.com',
      policyName: 'artifact-and-logs',
      policyAddress: 'instance-role-artifact',
      statements: props.statements,
      managedPolicies: { 'instance-role-ssm': 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore' },
    });
    const profile = new IamInstanceProfile(this, 'instance-profile', { name: `${name}-instance`, role: role.roleName });
    profile.overrideLogicalId('instance-profile');

    // The user data as a local: a top-level string template, so Terraform reads the script's quotes
    // as text and only the references as interpolation.
    const userData = new TerraformLocal(this, 'user-data', props.userData);
    userData.overrideLogicalId('user_data');

    const tagSpecifications = ['instance', 'volume', 'network-interface'].map((resourceType) => ({
      resourceType,
      tags: { ...props.tags, Name: name },
    }));
    const { imageId, imageArchitecture } = new FleetImage(this, 'image', {
      architecture: props.architecture,
      amiId: props.amiId,
    });
    const launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name,
      description: 'Student portal frontend (Express) on Amazon Linux 2023',
      imageId,
      lifecycle: {
        precondition: [
          {
            condition: `\${${imageArchitecture} == "${props.architecture}"}`,
            errorMessage: `The AMI's architecture is not ${props.architecture}, which instance type ${props.instanceType} needs: pin a matching STUDENTS_AMI_ID, or plan with --update-ami.`,
          },
        ],
      },
      instanceType: props.instanceType,
      keyName: props.ssh?.keyName,
      iamInstanceProfile: { arn: profile.arn },
      userData: Fn.base64encode(userData.asString),
      updateDefaultVersion: true,
      metadataOptions: {
        httpEndpoint: 'enabled',
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        instanceMetadataTags: 'disabled',
      },
      monitoring: { enabled: true },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: { volumeType: 'gp3', volumeSize: 20, encrypted: 'true', deleteOnTermination: 'true' },
        },
      ],
      networkInterfaces: [
        {
          deviceIndex: 0,
          associatePublicIpAddress: props.publicAddresses ? 'true' : 'false',
          securityGroups: [sg.id],
          deleteOnTermination: 'true',
        },
      ],
      tagSpecifications,
    });
    launchTemplate.overrideLogicalId('launch-template');

    const asg = new AutoscalingGroup(this, 'asg', {
      name,
      vpcZoneIdentifier: props.subnetIds,
      minSize: props.capacity.min,
      maxSize: props.capacity.max,
      desiredCapacity: props.capacity.desired,
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 180,
      targetGroupArns: props.targetGroupArns,
      // A version number, not $Latest: a rollback needs a version to return to.
      launchTemplate: { id: launchTemplate.id, version: Fn.tostring(launchTemplate.latestVersion) },
      instanceRefresh: {
        strategy: 'Rolling',
        // Launch before terminate: capacity never drops below desired during a refresh.
        preferences: {
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          instanceWarmup: '120',
          autoRollback: true,
          skipMatching: true,
        },
      },
      defaultInstanceWarmup: 120,
      // Group metrics, for the in-service alarm and the dashboard.
      enabledMetrics: [
        'GroupInServiceInstances',
        'GroupDesiredCapacity',
        'GroupMinSize',
        'GroupPendingInstances',
        'GroupTerminatingInstances',
      ],
      metricsGranularity: '1Minute',
      tag: Object.entries({ ...props.tags, Name: name }).map(([key, value]) => ({
        key,
        value,
        propagateAtLaunch: true,
      })),
      // The scaling policy moves the desired capacity; a deploy should not reset it.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
      // An instance's first boot reads its artifact with the role: its grants must exist first.
      dependsOn: role.grants,
    });
    asg.overrideLogicalId('asg');
    new AutoscalingPolicy(this, 'cpu-target-tracking', {
      name: `${name}-cpu`,
      autoscalingGroupName: asg.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: 'ASGAverageCPUUtilization' },
        targetValue: 50,
      },
    }).overrideLogicalId('cpu-target-tracking');

    this.securityGroupId = sg.id;
    this.autoScalingGroupName = asg.name;
    this.roleName = role.roleName;
  }
}
