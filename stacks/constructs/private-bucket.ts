import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { policyDocument, type PolicyStatement } from '../iam';

/** Props of a private, encrypted, versioned bucket. */
export interface PrivateBucketProps {
  /** Name prefix; AWS appends a unique suffix, as bucket names are global. */
  readonly bucketPrefix: string;
  /**
   * Let `terraform destroy` empty the bucket.
   * @default false
   */
  readonly forceDestroy?: boolean;
  /**
   * `prevent_destroy`: no plan may delete the bucket, so no destroy strips its protections first.
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Days after which noncurrent object versions are removed.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * Days after which current objects expire (for logs); never when unset.
   * @default undefined
   */
  readonly expireCurrentAfterDays?: number;
  /**
   * More bucket-policy statements, given the bucket ARN (e.g. log delivery).
   * @default none
   */
  readonly extraStatements?: (bucketArn: string) => PolicyStatement[];
  /**
   * SSE-KMS with this key (S3 Bucket Keys keep its requests few). Not for the load balancer's
   * log bucket: log delivery can write only with SSE-S3.
   * @default SSE-S3
   */
  readonly kmsKeyArn?: string;
}

/**
 * An S3 bucket with every public access blocked, ACLs disabled (bucket owner enforced),
 * SSE-S3 (or SSE-KMS) encryption, versioning, a lifecycle rule, and a policy that refuses plain HTTP.
 */
export class PrivateBucket extends Construct {
  public readonly bucketName: string;
  public readonly bucketArn: string;
  /** The bucket policy, for resources that must wait for it (e.g. ALB log delivery). */
  public readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: PrivateBucketProps) {
    super(scope, id);
    const bucket = new S3Bucket(this, 'bucket', {
      bucketPrefix: props.bucketPrefix,
      forceDestroy: props.forceDestroy ?? false,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    bucket.overrideLogicalId(id);

    const pab = new S3BucketPublicAccessBlock(this, 'public-access-block', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    pab.overrideLogicalId(`${id}-public-access-block`);

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    }).overrideLogicalId(`${id}-ownership`);

    const sse = props.kmsKeyArn
      ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }
      : { sseAlgorithm: 'AES256' };
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucket.id,
      rule: [{ applyServerSideEncryptionByDefault: sse, bucketKeyEnabled: true }],
    }).overrideLogicalId(`${id}-encryption`);

    new S3BucketVersioningA(this, 'versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
    }).overrideLogicalId(`${id}-versioning`);

    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: bucket.id,
      rule: [
        {
          id: 'housekeeping',
          status: 'Enabled',
          filter: [{}],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays ?? 30 }],
          ...(props.expireCurrentAfterDays ? { expiration: [{ days: props.expireCurrentAfterDays }] } : {}),
        },
        // A delete marker whose versions have all expired guards nothing: remove it at once. (S3
        // refuses this beside `days` in one expiration, hence a rule of its own.)
        {
          id: 'expired-delete-markers',
          status: 'Enabled',
          filter: [{}],
          expiration: [{ expiredObjectDeleteMarker: true }],
        },
      ],
    }).overrideLogicalId(`${id}-lifecycle`);

    this.policy = new S3BucketPolicy(this, 'policy', {
      bucket: bucket.id,
      policy: policyDocument([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [bucket.arn, `${bucket.arn}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        ...(props.extraStatements?.(bucket.arn) ?? []),
      ]),
      // A policy write fails while the public access block is being applied.
      dependsOn: [pab],
    });
    this.policy.overrideLogicalId(`${id}-policy`);

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
  }
}
