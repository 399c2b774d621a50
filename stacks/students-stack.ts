import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LocalBackend, S3Backend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { PROJECT } from '../lambdas/shared/contract';
import { nameOf, type DeploymentConfig } from './config';

/** Props every stack of the application takes. */
export interface StudentsStackProps {
  /** The validated deployment settings. */
  readonly config: DeploymentConfig;
}

/**
 * A stack of the application: named `students-<env>-<tier>`, with an AWS provider that tags
 * everything it creates, and a state backend chosen by the configuration.
 */
export class StudentsStack extends TerraformStack {
  /** The stack's name, e.g. `students-dev-network`. */
  public readonly stackName: string;

  constructor(scope: Construct, tier: string, props: StudentsStackProps) {
    const stackName = nameOf(props.config, tier);
    super(scope, stackName);
    this.stackName = stackName;
    const { config } = props;

    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: PROJECT, environment: config.environment, stack: stackName, 'managed-by': 'cdktf' } }],
    });

    if (config.stateBucket) {
      new S3Backend(this, { bucket: config.stateBucket, key: `${PROJECT}/${config.environment}/${stackName}.tfstate`, region: config.region, encrypt: true });
      // S3-native state locking (Terraform 1.10+); cdktf 0.21's S3Backend has no option for it.
      this.addOverride('terraform.backend.s3.use_lockfile', true);
    } else {
      // Relative to the stack's working directory (cdktf.out/stacks/<stack>), so the synthesized
      // Terraform names no path of the machine it was synthesized on. State lands in the project root.
      new LocalBackend(this, { path: `../../../terraform.${stackName}.tfstate` });
    }
  }
}
