/**
 * What each setting means, as the configuration table in docs/DEPLOYING.md shows it: one row per
 * variable, its default read from the `dev` configuration itself (so the table cannot drift from
 * the code), and where a preset differs, `prod`'s value. `npm run docs` writes the table from
 * these rows; a unit test checks that the document is what they render, and that every variable
 * the configuration reads has its row.
 */
import type { DeploymentConfig } from './deployment-config';
import { EDGE_VARIABLES } from './edge';
import { STAFF_AUTH_VARIABLES } from './staff-auth';
import { BACKUP_VARIABLES } from './backup';

/** One row: the variable, its default (read from a configuration, or said in words), its meaning. */
export interface SettingDoc {
  readonly variable: string;
  /** The default: a function of the `dev` and `prod` configurations, or words where it is not a value. */
  readonly default: ((dev: DeploymentConfig, prod: DeploymentConfig) => string) | string;
  readonly meaning: string;
}

const code = (value: unknown) => `\`${String(value)}\``;
/** The dev default, and prod's value when it differs. */
const preset = (read: (c: DeploymentConfig) => unknown) => (dev: DeploymentConfig, prod: DeploymentConfig) =>
  read(dev) === read(prod) ? code(read(dev)) : `${code(read(dev))} (prod ${code(read(prod))})`;

export const SETTING_DOCS: readonly SettingDoc[] = [
  { variable: 'STUDENTS_ENV', default: code('dev'), meaning: 'environment name, in every stack and physical name' },
  { variable: 'STUDENTS_REGION', default: preset((c) => c.region), meaning: 'AWS region' },
  { variable: 'STUDENTS_AZ_COUNT', default: preset((c) => c.azCount), meaning: 'availability zones (2–6)' },
  {
    variable: 'STUDENTS_NAT_MODE',
    default: preset((c) => c.natMode),
    meaning: '`single` NAT gateway, `per-az`, or `none` (instances in public subnets with public IPs)',
  },
  { variable: 'STUDENTS_INSTANCE_TYPE', default: preset((c) => c.instanceType), meaning: 'frontend instance type' },
  {
    variable: 'STUDENTS_ARCHITECTURE',
    default: 'from the type',
    meaning: '`arm64` or `x86_64`; must match the instance type',
  },
  { variable: 'STUDENTS_ASG_MIN', default: preset((c) => c.asg.min), meaning: 'Auto Scaling group minimum size' },
  {
    variable: 'STUDENTS_ASG_DESIRED',
    default: preset((c) => c.asg.desired),
    meaning: 'Auto Scaling group desired size',
  },
  { variable: 'STUDENTS_ASG_MAX', default: preset((c) => c.asg.max), meaning: 'Auto Scaling group maximum size' },
  { variable: 'STUDENTS_LOG_RETENTION_DAYS', default: preset((c) => c.logRetentionDays), meaning: 'every log group' },
  { variable: 'STUDENTS_SSH_KEY_NAME', default: 'none', meaning: 'EC2 key pair for SSH (SSM needs none)' },
  {
    variable: 'STUDENTS_SSH_ALLOWED_CIDRS',
    default: 'none',
    meaning: 'comma-separated CIDRs allowed to port 22; `0.0.0.0/0` is refused',
  },
  {
    variable: 'STUDENTS_INSTANCE_CONNECT_ENDPOINT',
    default: preset((c) => c.instanceConnectEndpoint),
    meaning: 'an EC2 Instance Connect endpoint for SSH to private instances without a bastion',
  },
  {
    variable: 'STUDENTS_CERTIFICATE_ARN',
    default: 'none',
    meaning: 'ACM certificate: HTTPS listener (TLS 1.3/1.2 policy), HTTP redirects to it',
  },
  {
    variable: 'STUDENTS_DOMAIN_NAME',
    default: 'none',
    meaning: "the site's name (the certificate's): `site_url` uses it instead of the load balancer's DNS name",
  },
  {
    variable: 'STUDENTS_HOSTED_ZONE_ID',
    default: 'none',
    meaning: 'Route 53 hosted zone: an alias record points `STUDENTS_DOMAIN_NAME` at the load balancer',
  },
  {
    variable: 'STUDENTS_AMI_ID',
    default: 'none',
    meaning: 'a pinned AMI for the instances; unset, the AL2023 AMI current at the first deploy is recorded and kept',
  },
  {
    variable: 'STUDENTS_STATE_BUCKET',
    default: 'none',
    meaning: 'S3 bucket for Terraform state with `use_lockfile`; local state otherwise',
  },
  {
    variable: 'STUDENTS_DELETION_PROTECTION',
    default: preset((c) => c.deletionProtection),
    meaning: 'table deletion protection and `prevent_destroy` (both tables), ALB deletion protection',
  },
  {
    variable: 'STUDENTS_CMK',
    default: preset((c) => c.customerManagedKey),
    meaning:
      "one customer-managed KMS key (rotated yearly) for both tables, every log group, the artifact bucket and the functions' environment; `prevent_destroy` with deletion protection",
  },
  {
    variable: 'STUDENTS_API_RATE_LIMIT',
    default: preset((c) => c.apiThrottle.rateLimit),
    meaning:
      "stage throttling, requests a second; over 1,000 is refused (the name index's one partition absorbs about 1,000 writes a second)",
  },
  {
    variable: 'STUDENTS_API_BURST_LIMIT',
    default: preset((c) => c.apiThrottle.burstLimit),
    meaning:
      "the most requests the gateway lets in at once, and each function's reserved concurrency; refused when the reservations (two functions) leave the account under 100 unreserved executions",
  },
  {
    variable: EDGE_VARIABLES.accountConcurrency,
    default: code(1000),
    meaning: "the account's Lambda concurrency quota, for that check",
  },
  {
    variable: EDGE_VARIABLES.apiAccess,
    default: preset((c) => c.edge.apiAccess),
    meaning:
      '`iam`: the API answers signed calls of the portal\'s instance role only; `public`: anyone, as in the reference design, behind a WAF web ACL (see "Who can reach what")',
  },
  {
    variable: EDGE_VARIABLES.corsOrigins,
    default: 'none',
    meaning: 'with `public` access: comma-separated origins browsers may call from (`*` only when set so)',
  },
  {
    variable: EDGE_VARIABLES.wafRateLimit,
    default: preset((c) => c.edge.wafRateLimit),
    meaning: "requests per client address in any 5 minutes, at the load balancer (and a public API's stage)",
  },
  {
    variable: EDGE_VARIABLES.wafSignupRateLimit,
    default: preset((c) => c.edge.wafSignupRateLimit),
    meaning: 'signup posts (`POST /students`) per client address in any 5 minutes',
  },
  {
    variable: BACKUP_VARIABLES.backup,
    default: preset((c) => c.backup.enabled),
    meaning:
      'AWS Backup of the table: a daily recovery point kept 7 days (dev) or 35 (prod) in a vault of the environment, beside point-in-time recovery',
  },
  {
    variable: BACKUP_VARIABLES.backupCopyRegion,
    default: 'none',
    meaning: 'a region each recovery point is also copied to (a vault there), to survive a regional outage',
  },
  {
    variable: BACKUP_VARIABLES.backupVaultLockDays,
    default: 'none',
    meaning:
      'locks the vaults in compliance mode: no recovery point can be deleted before this many days (at most the retention), by anyone; **irreversible** once three days have passed',
  },
  {
    variable: STAFF_AUTH_VARIABLES.staffAuth,
    default: code('none'),
    meaning:
      "staff sign-in at the load balancer for the staff pages (`/staff`): `cognito` (a user pool of admin-created users, MFA available, a hosted domain) or `oidc` (the school's provider, below); needs `STUDENTS_CERTIFICATE_ARN`",
  },
  {
    variable: STAFF_AUTH_VARIABLES.oidcIssuer,
    default: 'none',
    meaning: "with `oidc`: the provider's issuer URL (https)",
  },
  {
    variable: STAFF_AUTH_VARIABLES.oidcAuthorizationEndpoint,
    default: 'none',
    meaning: 'with `oidc`: its authorization endpoint',
  },
  { variable: STAFF_AUTH_VARIABLES.oidcTokenEndpoint, default: 'none', meaning: 'with `oidc`: its token endpoint' },
  {
    variable: STAFF_AUTH_VARIABLES.oidcUserInfoEndpoint,
    default: 'none',
    meaning: 'with `oidc`: its user info endpoint',
  },
  { variable: STAFF_AUTH_VARIABLES.oidcClientId, default: 'none', meaning: 'with `oidc`: the client id it issued' },
  {
    variable: STAFF_AUTH_VARIABLES.oidcClientSecretParameter,
    default: 'none',
    meaning:
      'with `oidc`: the name of the SSM SecureString holding the client secret (read at plan time; it is in the plan and state, which are owner-only)',
  },
  {
    variable: STAFF_AUTH_VARIABLES.oidcLogoutUrl,
    default: 'the home page',
    meaning: "with `oidc`: where staff sign-out ends (the provider's logout endpoint)",
  },
  {
    variable: EDGE_VARIABLES.sealKeyGeneration,
    default: preset((c) => c.edge.sealKeyGeneration),
    meaning:
      'the generation of the portal\'s sealing key; raising it rotates the key (the runbook\'s "Rotating the sealing key")',
  },
  {
    variable: 'STUDENTS_ALARM_EMAIL',
    default: 'none',
    meaning: 'an address subscribed to the alarm topic (it must confirm)',
  },
  {
    variable: 'STUDENTS_ALARM_THRESHOLDS',
    default: "the preset's",
    meaning:
      'a JSON object overriding any alarm threshold, e.g. `{"api5xxRate":0.02,"periodSeconds":300}` (keys in `stacks/config/alarm-thresholds.ts`)',
  },
  {
    variable: 'STUDENTS_DIRECTORY',
    default: preset((c) => c.directory),
    meaning:
      'who sees the directory: `names` (the public sees names only, and searches by name), `staff` (the public sees the form and its own confirmation; the directory is for signed-in staff), `public` (everyone sees every field, as in the reference design); the privacy notice at `/privacy` says which',
  },
  {
    variable: 'STUDENTS_DIRECTORY_ORDER',
    default: preset((c) => c.directoryOrder),
    meaning:
      '`false` while a new name index is filled: the portal shows the unordered list with a notice (the runbook\'s "Index changes")',
  },
  {
    variable: 'STUDENTS_AWS_ACCOUNT_ID',
    default: 'none; required outside `dev`',
    meaning: "the only account every stack's provider accepts (`allowed_account_ids`)",
  },
  {
    variable: 'STUDENTS_MANAGE_APIGW_ACCOUNT',
    default: '`true` with `STUDENTS_STATE_BUCKET`, else `false`',
    meaning:
      'include the account stack `students-account-<region>` (the account-wide API Gateway CloudWatch role); `false` where something else manages it',
  },
];
