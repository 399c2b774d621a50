import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { accountAdministers, type PolicyStatement, policyDocument } from '../iam';

/** Props of the portal's sealing key. */
export interface SealKeyProps {
  /** `students-<env>`: the alias is `alias/<namePrefix>-portal-seal`. */
  readonly namePrefix: string;
  /**
   * `prevent_destroy`: deleting the key would void every page link and confirmation in flight.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * The KMS HMAC key the portal seals its links and cookies with. The key never leaves KMS, so no
 * secret is in Terraform state: each instance derives its sealing secret with GenerateMac (see
 * ec2-frontend/src/seal-keys.ts). KMS does not rotate HMAC keys; the portal rotates what it
 * derives by key generation (STUDENTS_SEAL_KEY_GENERATION). Addresses read `aws_kms_key.seal-key`.
 */
export class SealKey extends Construct {
  public readonly keyArn: string;

  constructor(scope: Construct, id: string, props: SealKeyProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'account');
    account.overrideLogicalId(`${id}-account`);
    const key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} portal: seals page links and the signup confirmation`,
      keyUsage: 'GENERATE_VERIFY_MAC',
      customerMasterKeySpec: 'HMAC_256',
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      // The account administers it; the instance role's own policy grants GenerateMac.
      policy: policyDocument([accountAdministers(account.accountId)]),
    });
    key.overrideLogicalId(id);
    new KmsAlias(this, 'alias', {
      name: `alias/${props.namePrefix}-portal-seal`,
      targetKeyId: key.keyId,
    }).overrideLogicalId(`${id}-alias`);
    this.keyArn = key.arn;
  }

  /** What the instance role needs: MACs of this key, with the one algorithm the portal uses. */
  generateMacStatement(): PolicyStatement {
    return {
      Effect: 'Allow',
      Action: 'kms:GenerateMac',
      Resource: this.keyArn,
      Condition: { StringEquals: { 'kms:MacAlgorithm': 'HMAC_SHA_256' } },
    };
  }
}
