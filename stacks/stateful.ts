/**
 * Resources that hold data a plan must never delete or replace without a named exception:
 * the plan guard (`npm run plan:check`) refuses such plans. One list, here.
 */
export interface StatefulRule {
  /** `type.name`, or `type.*` for every resource of a type. */
  readonly match: string;
  readonly why: string;
}

export const STATEFUL_RESOURCES: readonly StatefulRule[] = [
  { match: 'aws_dynamodb_table.*', why: 'holds every registration' },
  { match: 'aws_s3_bucket.artifact-bucket', why: 'holds the frontend artifact the running instances boot from' },
  { match: 'aws_s3_bucket.alb-log-bucket', why: 'holds the load balancer access logs (audit trail)' },
  {
    match: 'aws_s3_bucket.state-bucket',
    why: 'holds Terraform state, if this project ever manages its own state bucket',
  },
];

/** The rule that makes an address stateful, if any (module prefixes are ignored). */
export function statefulRuleFor(address: string): StatefulRule | undefined {
  const local = address.replace(/^(module\.[^.]+\.)+/, '').replace(/\[.*\]$/, '');
  const [type] = local.split('.');
  return STATEFUL_RESOURCES.find((r) => r.match === local || r.match === `${type}.*`);
}
