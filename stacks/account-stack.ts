import { ApiGatewayAccount } from '@cdktf/provider-aws/lib/api-gateway-account';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { PROJECT } from '../core/contract';
import type { DeploymentConfig } from './config';
import { ServiceRole } from './constructs/service-role';
import { StudentsStack } from './students-stack';

/** Props of the account stack. */
export interface AccountStackProps {
  /** The validated deployment settings; only the region and the state bucket matter here. */
  readonly config: DeploymentConfig;
}

/** `students-account-<region>`: one per account and region, whatever the environment. */
export function accountStackName(region: string): string {
  return `${PROJECT}-account-${region}`;
}

/**
 * Settings that API Gateway keeps per account and region, not per API: the CloudWatch role every
 * stage's execution logs need. Every environment synthesizes the same stack into the same state,
 * so deploying any of them converges on one role, and destroying an environment leaves it alone.
 */
export class AccountStack extends StudentsStack {
  public readonly cloudwatchRoleArn: string;

  constructor(scope: Construct, props: AccountStackProps) {
    const { config } = props;
    const stackName = accountStackName(config.region);
    // Account-wide: the environment must not show in its name, tags or state key.
    const shared = { ...config, environment: 'account' };
    super(scope, stackName, shared, `${PROJECT}/account/${stackName}.tfstate`);

    const account = new DataAwsCallerIdentity(this, 'account');
    const role = new ServiceRole(this, 'apigateway-cloudwatch-role', {
      roleName: `${PROJECT}-apigateway-cloudwatch-${config.region}`,
      service: 'apigateway.amazonaws.com',
      sourceAccount: account.accountId,
      managedPolicies: {
        'apigateway-cloudwatch-role-policy':
          'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
      },
    });
    const settings = new ApiGatewayAccount(this, 'apigateway-account', {
      cloudwatchRoleArn: role.roleArn,
      dependsOn: role.grants,
      // Provider 6 resets the account's setting when this resource is destroyed, which would cut
      // execution logging for every API in the region: removal is a deliberate `terraform state rm`.
      lifecycle: { preventDestroy: true },
    });
    this.cloudwatchRoleArn = settings.cloudwatchRoleArn;
    new TerraformOutput(this, 'apigateway_cloudwatch_role_arn', { value: role.roleArn });
  }
}
