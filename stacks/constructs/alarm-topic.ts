import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { accountAdministers, policyDocument } from '../iam';

/** Props of the topic every alarm notifies. */
export interface AlarmTopicProps {
  /** Physical names: `<namePrefix>-alarms`; the alarms that may use the key are named `<namePrefix>-*`. */
  readonly namePrefix: string;
  /** The region of the alarms that publish (the key policy's `aws:SourceArn`). */
  readonly region: string;
  /**
   * An address subscribed by email (it must confirm the subscription).
   * @default no subscription
   */
  readonly email?: string;
  /**
   * `prevent_destroy` on the key: a deleted key cannot decrypt what the topic still holds.
   * @default false
   */
  readonly preventDestroy?: boolean;
}

/**
 * An SNS topic encrypted with a key of its own (CloudWatch and Auto Scaling cannot publish to a
 * topic under the AWS-managed key), a topic policy that lets CloudWatch and Auto Scaling publish
 * for this account only, and optionally an email subscription.
 */
export class AlarmTopic extends Construct {
  public readonly topicArn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const account = new DataAwsCallerIdentity(this, 'account');
    account.overrideLogicalId('account');
    const accountArn = `arn:aws:iam::${account.accountId}:root`;
    const key = new KmsKey(this, 'key', {
      description: `${props.namePrefix} alarm notifications`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
      policy: policyDocument([
        accountAdministers(account.accountId),
        // Only this environment's alarms (confused deputy). Auto Scaling needs no service
        // principal here: it publishes as its service-linked role, the next statement.
        {
          Sid: 'AlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
          Condition: {
            StringEquals: { 'aws:SourceAccount': account.accountId },
            ArnLike: {
              'aws:SourceArn': `arn:aws:cloudwatch:${props.region}:${account.accountId}:alarm:${props.namePrefix}-*`,
            },
          },
        },
        {
          Sid: 'AutoScalingRolePublishes',
          Effect: 'Allow',
          Principal: {
            AWS: `arn:aws:iam::${account.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`,
          },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          Resource: '*',
        },
      ]),
    });
    key.overrideLogicalId('alarm-key');
    new KmsAlias(this, 'alias', { name: `alias/${props.namePrefix}-alarms`, targetKeyId: key.keyId }).overrideLogicalId(
      'alarm-key-alias',
    );
    const topic = new SnsTopic(this, 'topic', { name: `${props.namePrefix}-alarms`, kmsMasterKeyId: key.arn });
    topic.overrideLogicalId('alarm-topic');
    new SnsTopicPolicy(this, 'policy', {
      arn: topic.arn,
      policy: policyDocument([
        {
          Sid: 'AlarmsPublish',
          Effect: 'Allow',
          Principal: { Service: ['cloudwatch.amazonaws.com', 'autoscaling.amazonaws.com'] },
          Action: 'sns:Publish',
          Resource: topic.arn,
          Condition: { StringEquals: { 'aws:SourceAccount': account.accountId } },
        },
        {
          Sid: 'AccountManages',
          Effect: 'Allow',
          Principal: { AWS: accountArn },
          Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes'],
          Resource: topic.arn,
        },
      ]),
    }).overrideLogicalId('alarm-topic-policy');
    if (props.email) {
      new SnsTopicSubscription(this, 'email', {
        topicArn: topic.arn,
        protocol: 'email',
        endpoint: props.email,
      }).overrideLogicalId('alarm-email');
    }
    this.topicArn = topic.arn;
  }
}
