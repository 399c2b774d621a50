import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Construct } from 'constructs';
import { protectionNames } from '../config/backup';
import { accountAdministers, type PolicyStatement, policyDocument } from '../iam';

/** Props of the environment's data key. */
export interface DataKeyProps {
  /** `students-<env>`: the alias is `alias/<namePrefix>-data`. */
  readonly namePrefix: string;
  /** The environment's region: CloudWatch Logs' service principal and the log groups' ARNs are regional. */
  readonly region: string;
  /** Names (`*` patterns) of the log groups CloudWatch Logs may encrypt with the key, and no others. */
  readonly logGroupNames: readonly string[];
  /**
   * `prevent_destroy`: once the key is deleted, nothing it encrypted can be read again.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/** The services that use the key on a caller's behalf, as `kms:ViaService` names them. */
export type KeyUser = 'dynamodb' | 'lambda' | 's3';

/** The key as other stacks see it: its ARN (a cross-stack reference) and its region. */
export interface DataKeyRef {
  readonly keyArn: string;
  readonly region: string;
}

/** What a role needs to read (and write) data the key protects, through these services only. */
export function keyUseStatement(key: DataKeyRef, services: readonly KeyUser[], readOnly = false): PolicyStatement {
  return {
    Sid: 'DataKey',
    Effect: 'Allow',
    Action: readOnly
      ? ['kms:Decrypt', 'kms:DescribeKey']
      : ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: key.keyArn,
    Condition: { StringEquals: { 'kms:ViaService': services.map((s) => `${s}.${key.region}.amazonaws.com`) } },
  };
}

/**
 * One customer-managed key for an environment's data at rest (STUDENTS_CMK), rotated yearly.
 * Its policy lets the account administer it through IAM, and lets CloudWatch Logs use it only in
 * the encryption context of the environment's own log groups (the logs' `aws:SourceArn`). DynamoDB,
 * Lambda and S3 use it on behalf of a caller: each role that reads through them is granted it in
 * its own policy, limited to that service (`keyUseStatement`). Addresses read `aws_kms_key.data-key`.
 */
export class DataKey extends Construct implements DataKeyRef {
  public readonly keyArn: string;
  public readonly region: string;

  constructor(scope: Construct, id: string, props: DataKeyProps) {
    super(scope, id);
    this.region = props.region;
    const account = new DataAwsCallerIdentity(this, 'account');
    account.overrideLogicalId(`${id}-account`);
    const logArn = (name: string) => `arn:aws:logs:${props.region}:${account.accountId}:log-group:${name}`;
    const key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} data at rest: tables, log groups, artifact bucket, function environment`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      policy: policyDocument([
        accountAdministers(account.accountId),
        {
          Sid: 'EnvironmentLogGroups',
          Effect: 'Allow',
          Principal: { Service: `logs.${props.region}.amazonaws.com` },
          Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          Resource: '*',
          Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': props.logGroupNames.map(logArn) } },
        },
      ]),
    });
    key.overrideLogicalId(id);
    new KmsAlias(this, 'alias', {
      name: protectionNames(props.namePrefix).dataKeyAlias,
      targetKeyId: key.keyId,
    }).overrideLogicalId(`${id}-alias`);
    this.keyArn = key.arn;
  }
}
