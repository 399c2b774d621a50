import { PROJECT } from '../lambdas/shared/contract';
import { architectureOf, awsAccountId, bool, ConfigError, int, parseSsh, RETENTION_DAYS } from './config-parsers';
import { type AlarmThresholds, parseAlarmThresholds } from './alarm-thresholds';
import { DEV, PRESETS } from './presets';
import { EDGE_VARIABLES, type EdgeConfig, parseEdge } from './edge-config';

export { architectureOf, ConfigError } from './config-parsers';

/**
 * Deployment settings: an environment name selects a preset, environment variables may
 * override single settings, and the result is validated once into a typed object.
 * A bad value fails synth with a message that names the setting and says why.
 */

/** How private instances reach the internet (package installs, SSM, the API). */
export type NatMode = 'single' | 'per-az' | 'none';
export type Architecture = 'arm64' | 'x86_64';

export interface DeploymentConfig {
  /** Environment name; part of every stack and physical name. */
  readonly environment: string;
  readonly region: string;
  /** Availability zones to spread subnets over (the ALB needs at least 2). */
  readonly azCount: number;
  /** `single`: one NAT gateway; `per-az`: one per AZ; `none`: instances in public subnets. */
  readonly natMode: NatMode;
  readonly instanceType: string;
  readonly architecture: Architecture;
  readonly asg: { readonly min: number; readonly desired: number; readonly max: number };
  /** CloudWatch Logs retention for every log group. */
  readonly logRetentionDays: number;
  /** SSH: an EC2 key pair and the CIDRs allowed to reach port 22. */
  readonly ssh?: { readonly keyName: string; readonly allowedCidrs: readonly string[] };
  /** Adds an EC2 Instance Connect endpoint, for SSH to private instances without a bastion. */
  readonly instanceConnectEndpoint: boolean;
  /** ACM certificate for an HTTPS listener; HTTP redirects to it when set. */
  readonly certificateArn?: string;
  /** The site's own name (the certificate's): the site URL uses it instead of the load balancer's DNS name. */
  readonly domainName?: string;
  /** Route 53 hosted zone in which an alias record points `domainName` at the load balancer. */
  readonly hostedZoneId?: string;
  /**
   * A pinned AMI for the instances. Unset, the first deploy records the current AL2023 AMI in
   * state and keeps it until an AMI update is asked for (`npm run plan -- --update-ami`).
   */
  readonly amiId?: string;
  /** S3 bucket for Terraform state (with S3-native locking); local state when absent. */
  readonly stateBucket?: string;
  /** The only AWS account every stack's provider accepts (`allowed_account_ids`); required outside `dev`. */
  readonly awsAccountId?: string;
  /** DynamoDB deletion protection, `prevent_destroy`, and ALB deletion protection. */
  readonly deletionProtection: boolean;
  /**
   * The list function serves the name order. Off while a new name index is filled (expand,
   * backfill, switch): the portal then shows the unordered list with a notice.
   */
  readonly directoryOrder: boolean;
  /** Stage-wide API throttling. */
  readonly apiThrottle: { readonly rateLimit: number; readonly burstLimit: number };
  /**
   * Include the account stack (`students-account-<region>`): the regional, account-wide API Gateway
   * CloudWatch role. It lives outside every environment, so destroying one never resets it. On by
   * default with remote state (one state key, shared by every environment); off with local state.
   */
  readonly manageApiGatewayAccount: boolean;
  /** Where alarms are mailed, besides the SNS topic's other subscribers. */
  readonly alarmEmail?: string;
  /** The monitoring stack's thresholds. */
  readonly alarms: AlarmThresholds;
  /** Who reaches the API, CORS, the WAF thresholds, the sealing key, reserved concurrency. */
  readonly edge: EdgeConfig;
}

/** Environment variables that override one setting each. */
export const SETTING_VARIABLES = {
  environment: 'STUDENTS_ENV',
  region: 'STUDENTS_REGION',
  azCount: 'STUDENTS_AZ_COUNT',
  natMode: 'STUDENTS_NAT_MODE',
  instanceType: 'STUDENTS_INSTANCE_TYPE',
  architecture: 'STUDENTS_ARCHITECTURE',
  asgMin: 'STUDENTS_ASG_MIN',
  asgDesired: 'STUDENTS_ASG_DESIRED',
  asgMax: 'STUDENTS_ASG_MAX',
  logRetentionDays: 'STUDENTS_LOG_RETENTION_DAYS',
  sshKeyName: 'STUDENTS_SSH_KEY_NAME',
  sshAllowedCidrs: 'STUDENTS_SSH_ALLOWED_CIDRS',
  instanceConnectEndpoint: 'STUDENTS_INSTANCE_CONNECT_ENDPOINT',
  certificateArn: 'STUDENTS_CERTIFICATE_ARN',
  domainName: 'STUDENTS_DOMAIN_NAME',
  hostedZoneId: 'STUDENTS_HOSTED_ZONE_ID',
  amiId: 'STUDENTS_AMI_ID',
  stateBucket: 'STUDENTS_STATE_BUCKET',
  awsAccountId: 'STUDENTS_AWS_ACCOUNT_ID',
  deletionProtection: 'STUDENTS_DELETION_PROTECTION',
  directoryOrder: 'STUDENTS_DIRECTORY_ORDER',
  apiRateLimit: 'STUDENTS_API_RATE_LIMIT',
  apiBurstLimit: 'STUDENTS_API_BURST_LIMIT',
  manageApiGatewayAccount: 'STUDENTS_MANAGE_APIGW_ACCOUNT',
  alarmEmail: 'STUDENTS_ALARM_EMAIL',
  alarmThresholds: 'STUDENTS_ALARM_THRESHOLDS',
  ...EDGE_VARIABLES,
} as const;

/** Reads and validates the configuration once. `env` is usually `process.env`. */
export function loadConfig(env: Record<string, string | undefined>): DeploymentConfig {
  const v = SETTING_VARIABLES;
  const environment = (env[v.environment] ?? 'dev').trim();
  if (!/^[a-z][a-z0-9]{1,11}$/.test(environment)) {
    throw new ConfigError(
      v.environment,
      `"${environment}" must be 2 to 12 lowercase letters or digits, starting with a letter`,
    );
  }
  const preset = PRESETS[environment] ?? DEV;

  const region = env[v.region] ?? preset.region;
  if (!/^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region))
    throw new ConfigError(v.region, `"${region}" is not an AWS region name like eu-west-1`);

  const azCount = int(v.azCount, env[v.azCount], preset.azCount, 2, 6);

  const natMode = (env[v.natMode] ?? preset.natMode) as NatMode;
  if (!['single', 'per-az', 'none'].includes(natMode))
    throw new ConfigError(v.natMode, `"${natMode}" must be single, per-az or none`);

  const instanceType = env[v.instanceType] ?? preset.instanceType;
  if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType))
    throw new ConfigError(v.instanceType, `"${instanceType}" is not an instance type like t4g.small`);
  const architecture = (env[v.architecture] ?? architectureOf(instanceType)) as Architecture;
  if (architecture !== 'arm64' && architecture !== 'x86_64')
    throw new ConfigError(v.architecture, `"${architecture}" must be arm64 or x86_64`);
  if (architecture !== architectureOf(instanceType)) {
    throw new ConfigError(
      v.architecture,
      `${architecture} does not match ${instanceType}, which is ${architectureOf(instanceType)}`,
    );
  }

  const min = int(v.asgMin, env[v.asgMin], preset.asg.min, 1, 100);
  const max = int(v.asgMax, env[v.asgMax], Math.max(preset.asg.max, min), 1, 100);
  const desired = int(v.asgDesired, env[v.asgDesired], Math.min(Math.max(preset.asg.desired, min), max), 1, 100);
  if (min > max) throw new ConfigError(v.asgMin, `min ${min} is above max ${max}`);
  if (desired < min || desired > max)
    throw new ConfigError(v.asgDesired, `desired ${desired} must lie between min ${min} and max ${max}`);

  const logRetentionDays = int(v.logRetentionDays, env[v.logRetentionDays], preset.logRetentionDays, 1, 3653);
  if (!RETENTION_DAYS.includes(logRetentionDays))
    throw new ConfigError(
      v.logRetentionDays,
      `${logRetentionDays} is not one CloudWatch Logs accepts (${RETENTION_DAYS.join(', ')})`,
    );

  const instanceConnectEndpoint = bool(
    v.instanceConnectEndpoint,
    env[v.instanceConnectEndpoint],
    preset.instanceConnectEndpoint,
  );
  const ssh = parseSsh(v, env, preset.ssh, instanceConnectEndpoint);

  const certificateArn = env[v.certificateArn]?.trim() || preset.certificateArn;
  if (certificateArn && !/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/.test(certificateArn)) {
    throw new ConfigError(v.certificateArn, `"${certificateArn}" is not an ACM certificate ARN`);
  }
  if (certificateArn && certificateArn.split(':')[3] !== region) {
    throw new ConfigError(
      v.certificateArn,
      `the certificate is in ${certificateArn.split(':')[3]}, but the load balancer is in ${region}`,
    );
  }

  const domainName = env[v.domainName]?.trim().toLowerCase() || preset.domainName;
  if (domainName && !/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    throw new ConfigError(v.domainName, `"${domainName}" is not a DNS name like portal.example.edu`);
  }
  const hostedZoneId = env[v.hostedZoneId]?.trim() || preset.hostedZoneId;
  if (hostedZoneId && !/^Z[A-Z0-9]{1,31}$/.test(hostedZoneId))
    throw new ConfigError(
      v.hostedZoneId,
      `"${hostedZoneId}" is not a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ`,
    );
  if (hostedZoneId && !domainName)
    throw new ConfigError(v.hostedZoneId, `needs ${v.domainName}: the record it creates is for that name`);

  const amiId = env[v.amiId]?.trim() || preset.amiId;
  if (amiId && !/^ami-([0-9a-f]{8}|[0-9a-f]{17})$/.test(amiId))
    throw new ConfigError(v.amiId, `"${amiId}" is not an AMI id like ami-0123456789abcdef0`);

  const stateBucket = env[v.stateBucket]?.trim() || preset.stateBucket;
  if (stateBucket && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(stateBucket))
    throw new ConfigError(v.stateBucket, `"${stateBucket}" is not a valid S3 bucket name`);

  const accountId = awsAccountId(v.awsAccountId, env[v.awsAccountId] ?? preset.awsAccountId, environment);

  const rateLimit = int(v.apiRateLimit, env[v.apiRateLimit], preset.apiThrottle.rateLimit, 1, 10000);
  const burstLimit = int(
    v.apiBurstLimit,
    env[v.apiBurstLimit],
    Math.max(preset.apiThrottle.burstLimit, rateLimit),
    1,
    5000,
  );
  const edge = parseEdge(env, { rateLimit, burstLimit, rateSetting: v.apiRateLimit, burstSetting: v.apiBurstLimit });

  const alarmEmail = env[v.alarmEmail]?.trim() || preset.alarmEmail;
  if (alarmEmail && !/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(alarmEmail))
    throw new ConfigError(v.alarmEmail, `"${alarmEmail}" is not an email address`);
  const alarms = parseAlarmThresholds(v.alarmThresholds, env[v.alarmThresholds], preset.alarms);

  return {
    environment,
    region,
    azCount,
    natMode,
    instanceType,
    architecture,
    asg: { min, desired, max },
    logRetentionDays,
    ...(ssh ? { ssh } : {}),
    instanceConnectEndpoint,
    ...(certificateArn ? { certificateArn } : {}),
    ...(domainName ? { domainName } : {}),
    ...(hostedZoneId ? { hostedZoneId } : {}),
    ...(amiId ? { amiId } : {}),
    ...(stateBucket ? { stateBucket } : {}),
    ...(accountId ? { awsAccountId: accountId } : {}),
    deletionProtection: bool(v.deletionProtection, env[v.deletionProtection], preset.deletionProtection),
    directoryOrder: bool(v.directoryOrder, env[v.directoryOrder], true),
    apiThrottle: { rateLimit, burstLimit },
    ...(alarmEmail ? { alarmEmail } : {}),
    alarms,
    edge,
    manageApiGatewayAccount: bool(v.manageApiGatewayAccount, env[v.manageApiGatewayAccount], Boolean(stateBucket)),
  };
}

/** `students-<env>`: the start of every stack and physical name of an environment. */
export function prefixOf(config: Pick<DeploymentConfig, 'environment'>): string {
  return `${PROJECT}-${config.environment}`;
}

/** `students-<env>-<suffix>`: stack and physical names. */
export function nameOf(config: Pick<DeploymentConfig, 'environment'>, suffix: string): string {
  return `${prefixOf(config)}-${suffix}`;
}
