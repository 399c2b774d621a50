import { DataAwsAmi } from '@cdktf/provider-aws/lib/data-aws-ami';
import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { DataResource, Token } from 'cdktf';
import { Construct } from 'constructs';
import type { Architecture } from '../config';

/** Props of the fleet's image. */
export interface FleetImageProps {
  /** The instances' architecture; the recorded AMI is replaced when it changes. */
  readonly architecture: Architecture;
  /**
   * A pinned AMI.
   * @default the AL2023 AMI current at the first deploy, recorded in state (`terraform_data.ami`)
   */
  readonly amiId?: string;
}

/**
 * The AMI the fleet boots. Unpinned, it is the AL2023 AMI current when the fleet was first
 * deployed, recorded in state: later plans keep it, so a deploy of ours never rolls the fleet onto
 * a new AMI unasked (an AMI update is `-replace=terraform_data.ami`, `npm run plan -- --update-ami`),
 * and a change of architecture records the current AMI of the new one. `imageArchitecture` is what
 * EC2 says the image is, for the launch template's precondition.
 */
export class FleetImage extends Construct {
  public readonly imageId: string;
  /** A Terraform expression (without `${}`) for the image's architecture. */
  public readonly imageArchitecture: string;

  constructor(scope: Construct, id: string, props: FleetImageProps) {
    super(scope, id);
    this.imageId = props.amiId ?? this.recorded(props.architecture);
    const image = new DataAwsAmi(this, 'image', { filter: [{ name: 'image-id', values: [this.imageId] }] });
    image.overrideLogicalId('image');
    this.imageArchitecture = `${image.fqn}.architecture`;
  }

  private recorded(architecture: Architecture): string {
    const latest = new DataAwsSsmParameter(this, 'al2023-ami', {
      name: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`,
    });
    latest.overrideLogicalId('al2023-ami');
    const recorded = new DataResource(this, 'ami', {
      input: { image_id: latest.insecureValue },
      // The old architecture's AMI cannot boot the new instance type.
      triggersReplace: { architecture },
      lifecycle: { ignoreChanges: ['input'] },
    });
    recorded.overrideLogicalId('ami');
    return Token.asString(recorded.output.lookup('image_id'));
  }
}
