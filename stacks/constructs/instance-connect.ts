import { Ec2InstanceConnectEndpoint } from '@cdktf/provider-aws/lib/ec2-instance-connect-endpoint';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupEgressRule } from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Construct } from 'constructs';

/** Props of an EC2 Instance Connect endpoint in front of the instances. */
export interface InstanceConnectProps {
  /** Physical names: `<namePrefix>-instance-connect`. */
  readonly namePrefix: string;
  readonly vpcId: string;
  /** The subnet the endpoint sits in (one of the instances'). */
  readonly subnetId: string;
  /** The instances' security group, which gets SSH from the endpoint only. */
  readonly instanceSecurityGroupId: string;
}

/**
 * SSH to private instances without a bastion or a public address: the endpoint, its security
 * group (SSH out to the instances only), and the instances' rule that lets it in.
 */
export class InstanceConnect extends Construct {
  public readonly endpointId: string;

  constructor(scope: Construct, id: string, props: InstanceConnectProps) {
    super(scope, id);
    const sg = new SecurityGroup(this, 'instance-connect-sg', {
      namePrefix: `${props.namePrefix}-instance-connect-`,
      description: 'EC2 Instance Connect endpoint: SSH to the frontend instances',
      vpcId: props.vpcId,
      lifecycle: { createBeforeDestroy: true },
    });
    sg.overrideLogicalId('instance-connect-sg');
    new VpcSecurityGroupEgressRule(this, 'instance-connect-egress-ssh', {
      securityGroupId: sg.id,
      description: 'SSH to the frontend instances',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      referencedSecurityGroupId: props.instanceSecurityGroupId,
    }).overrideLogicalId('instance-connect-egress-ssh');
    new VpcSecurityGroupIngressRule(this, 'app-ingress-instance-connect', {
      securityGroupId: props.instanceSecurityGroupId,
      description: 'SSH from the EC2 Instance Connect endpoint',
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      referencedSecurityGroupId: sg.id,
    }).overrideLogicalId('app-ingress-instance-connect');
    const endpoint = new Ec2InstanceConnectEndpoint(this, 'instance-connect-endpoint', {
      subnetId: props.subnetId,
      securityGroupIds: [sg.id],
      preserveClientIp: false,
      tags: { Name: `${props.namePrefix}-instance-connect` },
    });
    endpoint.overrideLogicalId('instance-connect-endpoint');
    this.endpointId = endpoint.id;
  }
}
