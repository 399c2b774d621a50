import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { PROJECT } from '../core/contract';
import { nameOf, type DeploymentConfig } from './config';

/** Terraform releases the stacks accept: S3-native state locking (`use_lockfile`) arrived in 1.10. */
export const REQUIRED_TERRAFORM = '>= 1.10';

/** Props every stack of the application takes. */
export interface StudentsStackProps {
  /** The validated deployment settings. */
  readonly config: DeploymentConfig;
}

/** The tags every resource of a stack carries (the provider's default tags, and the instances'). */
export function stackTags(config: DeploymentConfig, stackName: string): Record<string, string> {
  return { project: PROJECT, environment: config.environment, stack: stackName, 'managed-by': 'cdktf' };
}

/**
 * A stack of the application, with an AWS provider that tags everything it creates and a state
 * backend chosen by the configuration. Environment stacks are named `students-<env>-<tier>`
 * (`EnvironmentStack`); the account stack names itself.
 */
export class StudentsStack extends TerraformStack {
  /** The stack's name, e.g. `students-dev-network`. */
  public readonly stackName: string;
  /** The tags the provider puts on every resource of the stack. */
  public readonly tags: Record<string, string>;

  /** `stateKey` is the state object's key under the bucket, when state is remote. */
  constructor(scope: Construct, stackName: string, config: DeploymentConfig, stateKey: string) {
    super(scope, stackName);
    this.stackName = stackName;
    this.tags = stackTags(config, stackName);

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: this.tags }],
      // Credentials for any other account fail every plan and apply, whatever AWS_PROFILE says.
      ...(config.awsAccountId ? { allowedAccountIds: [config.awsAccountId] } : {}),
    });
    this.addOverride('terraform.required_version', REQUIRED_TERRAFORM);

    if (config.stateBucket) {
      new S3Backend(this, { bucket: config.stateBucket, key: stateKey, region: config.region, encrypt: true });
      // S3-native state locking (Terraform 1.10+); cdktf 0.21's S3Backend has no option for it.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to the stack's working directory (cdktf.out/stacks/<stack>), so the synthesized
      // Terraform names no path of the machine it was synthesized on. State lands in the project root.
      new LocalBackend(this, { path: `../../../terraform.${stackName}.tfstate` });
    }
  }
}

/** A stack of one environment: `students-<env>-<tier>`, its state under `students/<env>/`. */
export class EnvironmentStack extends StudentsStack {
  constructor(scope: Construct, tier: string, props: StudentsStackProps) {
    const stackName = nameOf(props.config, tier);
    super(scope, stackName, props.config, `${PROJECT}/${props.config.environment}/${stackName}.tfstate`);
  }
}
