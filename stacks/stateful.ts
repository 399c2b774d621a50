/**
 * What the plan guard (`npm run plan:check`) protects: resources a plan must never delete,
 * replace or forget, and protections it must never switch off, without a named exception.
 * One list, here, each entry with the reason an operator reads when the guard refuses.
 */
export interface StatefulRule {
  /** `type.name`, or `type.*` for every resource of a type. */
  readonly match: string;
  readonly why: string;
}

export const STATEFUL_RESOURCES: readonly StatefulRule[] = [
  { match: 'aws_dynamodb_table.*', why: 'holds every registration' },
  { match: 'aws_s3_bucket.artifact-bucket', why: 'holds the frontend artifacts the instances and rollbacks boot from' },
  { match: 'aws_s3_bucket.alb-log-bucket', why: 'holds the load balancer access logs (audit trail)' },
  {
    match: 'aws_s3_bucket.state-bucket',
    why: 'holds Terraform state, if this project ever manages its own state bucket',
  },
  { match: 'aws_cloudwatch_log_group.*', why: 'holds logs that are kept for the retention period (flow, API, Lambda)' },
  { match: 'aws_lb.*', why: "is the site's address: a new load balancer has a new DNS name" },
  { match: 'aws_vpc.*', why: 'everything else of the environment lives in it' },
  { match: 'aws_subnet.*', why: 'instances, the load balancer and NAT gateways live in them' },
  {
    match: 'aws_api_gateway_rest_api.*',
    why: "is the API's address: a new API has a new URL, which every client holds",
  },
  { match: 'aws_eip.*', why: "is the NAT gateway's public address, which partners may allow-list" },
  { match: 'aws_api_gateway_account.*', why: 'is the CloudWatch role of every API in the account and region' },
  {
    match: 'aws_sns_topic.*',
    why: 'is where alarms page: its subscriptions, including those added outside Terraform, go with it',
  },
  { match: 'aws_backup_vault.*', why: 'holds the recovery points of the table (they go with it)' },
  {
    match: 'aws_kms_key.*',
    why: 'encrypts data that cannot be read once it is deleted (deletion is scheduled, then final)',
  },
];

/** The rule that makes an address stateful, if any (module prefixes and indexes are ignored). */
export function statefulRuleFor(address: string): StatefulRule | undefined {
  const local = address.replace(/^(module\.[^.]+\.)+/, '').replace(/\[.*\]$/, '');
  const [type] = local.split('.');
  return STATEFUL_RESOURCES.find((r) => r.match === local || r.match === `${type}.*`);
}

/** A protection on a stateful resource: the attribute, and the value that means "protected". */
export interface ProtectionRule {
  readonly type: string;
  /** Attribute path in the plan's `before`/`after` objects. */
  readonly path: readonly (string | number)[];
  readonly protectedValue: unknown;
  readonly what: string;
}

/**
 * Switching one of these off is the step before data loss, so the guard refuses it like a delete.
 * `prevent_destroy` is not in plan JSON; it travels with deletion protection (one setting,
 * STUDENTS_DELETION_PROTECTION), which the plan does show.
 */
export const PROTECTIONS: readonly ProtectionRule[] = [
  {
    type: 'aws_dynamodb_table',
    path: ['deletion_protection_enabled'],
    protectedValue: true,
    what: 'deletion protection',
  },
  {
    type: 'aws_dynamodb_table',
    path: ['point_in_time_recovery', 0, 'enabled'],
    protectedValue: true,
    what: 'point-in-time recovery',
  },
  { type: 'aws_lb', path: ['enable_deletion_protection'], protectedValue: true, what: 'deletion protection' },
  {
    type: 'aws_s3_bucket',
    path: ['force_destroy'],
    protectedValue: false,
    what: 'keeping the objects on destroy',
  },
  {
    type: 'aws_kms_key',
    path: ['is_enabled'],
    protectedValue: true,
    what: 'the key (disabled, nothing it encrypts can be read)',
  },
  {
    type: 'aws_s3_bucket_versioning',
    path: ['versioning_configuration', 0, 'status'],
    protectedValue: 'Enabled',
    what: 'versioning',
  },
];
