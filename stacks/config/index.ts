/**
 * The deployment configuration: `loadConfig` reads the environment's preset and the variables that
 * override it, validated once.
 */
import { DIRECTORY_MODES, type DirectoryMode, PROJECT } from '../../core/contract';
import { architectureOf, awsAccountId, bool, ConfigError, int, parseSsh, RETENTION_DAYS } from './parsers';
import { parseAlarmThresholds } from './alarm-thresholds';
import type { Architecture, DeploymentConfig, NatMode } from './deployment-config';

export type { Architecture, DeploymentConfig, NatMode } from './deployment-config';
export type { OidcProvider, StaffAuthConfig } from './staff-auth';
export type { BackupConfig } from './backup';
import { DEV, PRESETS } from './presets';
import { EDGE_VARIABLES, parseEdge } from './edge';
import { parseStaffAuth, STAFF_AUTH_VARIABLES } from './staff-auth';
import { BACKUP_VARIABLES, parseBackup } from './backup';

export { architectureOf, ConfigError } from './parsers';

/**
 * Deployment settings: an environment name selects a preset, environment variables may
 * override single settings, and the result is validated once into a typed object.
 * A bad value fails synth with a message that names the setting and says why.
 */

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
  customerManagedKey: 'STUDENTS_CMK',
  directoryOrder: 'STUDENTS_DIRECTORY_ORDER',
  directory: 'STUDENTS_DIRECTORY',
  apiRateLimit: 'STUDENTS_API_RATE_LIMIT',
  apiBurstLimit: 'STUDENTS_API_BURST_LIMIT',
  manageApiGatewayAccount: 'STUDENTS_MANAGE_APIGW_ACCOUNT',
  alarmEmail: 'STUDENTS_ALARM_EMAIL',
  alarmThresholds: 'STUDENTS_ALARM_THRESHOLDS',
  ...EDGE_VARIABLES,
  ...STAFF_AUTH_VARIABLES,
  ...BACKUP_VARIABLES,
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
  const directory = directoryOf(env, preset);
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
    customerManagedKey: bool(v.customerManagedKey, env[v.customerManagedKey], preset.customerManagedKey),
    directoryOrder: bool(v.directoryOrder, env[v.directoryOrder], true),
    directory,
    backup: parseBackup(env, preset.backup, region),
    staffAuth: parseStaffAuth(env, { certificateArn, certificateSetting: v.certificateArn }),
    apiThrottle: { rateLimit, burstLimit },
    ...(alarmEmail ? { alarmEmail } : {}),
    alarms,
    edge,
    manageApiGatewayAccount: bool(v.manageApiGatewayAccount, env[v.manageApiGatewayAccount], Boolean(stateBucket)),
  };
}

/**
 * Who sees the directory: `STUDENTS_DIRECTORY`, else the preset's. Also read alone by `npm start`,
 * which needs no other deployment setting.
 */
export function directoryOf(
  env: Record<string, string | undefined>,
  preset = PRESETS[(env[SETTING_VARIABLES.environment] ?? 'dev').trim()] ?? DEV,
): DirectoryMode {
  const v = SETTING_VARIABLES.directory;
  const directory = (env[v]?.trim() || preset.directory) as DirectoryMode;
  if (!DIRECTORY_MODES.includes(directory))
    throw new ConfigError(
      v,
      `"${directory}" must be names (the public sees names only), staff (the directory is for signed-in staff) or public (everyone sees everything)`,
    );
  return directory;
}

/** `students-<env>`: the start of every stack and physical name of an environment. */
export function prefixOf(config: Pick<DeploymentConfig, 'environment'>): string {
  return `${PROJECT}-${config.environment}`;
}

/** `students-<env>-<suffix>`: stack and physical names. */
export function nameOf(config: Pick<DeploymentConfig, 'environment'>, suffix: string): string {
  return `${prefixOf(config)}-${suffix}`;
}
