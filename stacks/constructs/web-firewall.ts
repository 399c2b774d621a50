import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { Wafv2WebAcl, type Wafv2WebAclRule } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { Wafv2WebAclLoggingConfiguration } from '@cdktf/provider-aws/lib/wafv2-web-acl-logging-configuration';
import { Construct } from 'constructs';
import { LOG_GROUP_NAMES } from '../log-group-names';

/** AWS managed rule groups every web ACL of ours runs: common exploits, known bad inputs, bad IPs. */
export const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
  'AWSManagedRulesAmazonIpReputationList',
] as const;

/** A stricter rate limit on one method and path (the signup form's POST). */
export interface PathRateLimit {
  /** `POST`, for example. */
  readonly method: string;
  /** The exact path, e.g. `/students`. */
  readonly path: string;
  /** Requests per client address in any 5 minutes. */
  readonly limit: number;
}

/** Props of a regional WAF web ACL in front of one resource. */
export interface WebFirewallProps {
  /** Name of the web ACL and stem of its metrics and log group. */
  readonly name: string;
  /** ARN of what it guards: a load balancer or an API Gateway stage. */
  readonly resourceArn: string;
  /** Requests per client address in any 5 minutes before the address is blocked. */
  readonly rateLimit: number;
  /** A stricter limit on one route. @default none */
  readonly pathRateLimit?: PathRateLimit;
  /** Retention of the WAF log group. */
  readonly logRetentionDays: number;
  /** A KMS key for the log group. @default CloudWatch Logs' own encryption */
  readonly kmsKeyId?: string;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/**
 * A web ACL that blocks an address over its rate and what AWS's managed rules flag, logs to
 * `aws-waf-logs-<name>` (WAF accepts only log groups named so), and guards one resource.
 * Addresses read `aws_wafv2_web_acl.<id>` and so on.
 */
export class WebFirewall extends Construct {
  public readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    // Statements are typed `any` in the bindings: they are written as Terraform spells them.
    const rules: Wafv2WebAclRule[] = [
      {
        name: 'rate-per-address',
        priority: 0,
        action: { block: {} },
        statement: { rate_based_statement: { limit: props.rateLimit, aggregate_key_type: 'IP' } },
        visibilityConfig: visibility(`${props.name}-rate`),
      },
    ];
    const route = props.pathRateLimit;
    if (route) {
      const match = (field: Record<string, unknown>, value: string) => ({
        byte_match_statement: {
          field_to_match: field,
          positional_constraint: 'EXACTLY',
          search_string: value,
          text_transformation: [{ priority: 0, type: 'NONE' }],
        },
      });
      rules.push({
        name: 'rate-per-address-signups',
        priority: 1,
        action: { block: {} },
        statement: {
          rate_based_statement: {
            limit: route.limit,
            aggregate_key_type: 'IP',
            scope_down_statement: {
              and_statement: { statement: [match({ method: {} }, route.method), match({ uri_path: {} }, route.path)] },
            },
          },
        },
        visibilityConfig: visibility(`${props.name}-signup-rate`),
      });
    }
    MANAGED_RULE_GROUPS.forEach((group, i) => {
      rules.push({
        name: group,
        priority: 10 + i,
        overrideAction: { none: {} },
        statement: { managed_rule_group_statement: { vendor_name: 'AWS', name: group } },
        visibilityConfig: visibility(`${props.name}-${group}`),
      });
    });

    const acl = new Wafv2WebAcl(this, 'acl', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      rule: rules,
      visibilityConfig: visibility(props.name),
    });
    acl.overrideLogicalId(id);
    const logs = new CloudwatchLogGroup(this, 'log-group', {
      name: LOG_GROUP_NAMES.waf(props.name),
      retentionInDays: props.logRetentionDays,
      kmsKeyId: props.kmsKeyId,
    });
    logs.overrideLogicalId(`${id}-log-group`);
    const logging = new Wafv2WebAclLoggingConfiguration(this, 'logging', {
      resourceArn: acl.arn,
      logDestinationConfigs: [logs.arn],
    });
    logging.overrideLogicalId(`${id}-logging`);
    const association = new Wafv2WebAclAssociation(this, 'association', {
      resourceArn: props.resourceArn,
      webAclArn: acl.arn,
    });
    association.overrideLogicalId(`${id}-association`);
    this.webAclArn = acl.arn;
  }
}
