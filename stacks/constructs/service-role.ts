import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { policyDocument, trustPolicy, type PolicyStatement } from '../iam';

/** Props of a role that one AWS service assumes. */
export interface ServiceRoleProps {
  /** Physical role name. */
  readonly roleName: string;
  /** The service principal that assumes the role, e.g. `vpc-flow-logs.amazonaws.com`. */
  readonly service: string;
  /**
   * The account the service must act for (`aws:SourceAccount`): the confused-deputy guard for
   * services that pass it (flow logs, API Gateway). EC2 and Lambda do not, so leave it unset there.
   * @default no condition
   */
  readonly sourceAccount?: string;
  /**
   * Statements of the role's one inline policy.
   * @default no inline policy
   */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Name of the inline policy, as IAM shows it.
   * @default 'least-privilege'
   */
  readonly policyName?: string;
  /**
   * Terraform address name of the inline policy (`aws_iam_role_policy.<name>`).
   * @default `<id>-policy`
   */
  readonly policyAddress?: string;
  /**
   * AWS-managed policies to attach, by the address name of each attachment.
   * @default none
   */
  readonly managedPolicies?: Readonly<Record<string, string>>;
}

/**
 * An IAM role for one service, its trust policy, an inline least-privilege policy and managed
 * attachments. Addresses read `aws_iam_role.<id>`, so plans name the role as the stack does.
 */
export class ServiceRole extends Construct {
  public readonly roleName: string;
  public readonly roleArn: string;
  /** The inline policy and attachments: what must exist before the service first uses the role. */
  public readonly grants: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: ServiceRoleProps) {
    super(scope, id);
    const role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: trustPolicy([
        {
          Effect: 'Allow',
          Principal: { Service: props.service },
          Action: 'sts:AssumeRole',
          ...(props.sourceAccount ? { Condition: { StringEquals: { 'aws:SourceAccount': props.sourceAccount } } } : {}),
        },
      ]),
    });
    role.overrideLogicalId(id);

    if (props.statements?.length) {
      const policy = new IamRolePolicy(this, 'policy', {
        role: role.id,
        name: props.policyName ?? 'least-privilege',
        policy: policyDocument(props.statements),
      });
      policy.overrideLogicalId(props.policyAddress ?? `${id}-policy`);
      this.grants.push(policy);
    }
    for (const [address, policyArn] of Object.entries(props.managedPolicies ?? {})) {
      const attachment = new IamRolePolicyAttachment(this, address, { role: role.name, policyArn });
      attachment.overrideLogicalId(address);
      this.grants.push(attachment);
    }
    this.roleName = role.name;
    this.roleArn = role.arn;
  }
}
