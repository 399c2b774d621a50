/** The shape of the validated configuration (`loadConfig` in config.ts reads it). */
import type { DirectoryMode } from '../../core/contract';
import type { AlarmThresholds } from './alarm-thresholds';
import type { BackupConfig } from './backup';
import type { Architecture } from './parsers';
import type { EdgeConfig } from './edge';
import type { StaffAuthConfig } from './staff-auth';

export type { Architecture } from './parsers';

/** How private instances reach the internet (package installs, SSM, the API). */
export type NatMode = 'single' | 'per-az' | 'none';

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
   * One customer-managed KMS key for the environment's data at rest: both tables, every log
   * group, the artifact bucket and the functions' environment. Off: AWS-owned and AWS-managed keys.
   */
  readonly customerManagedKey: boolean;
  /**
   * The list function serves the name order. Off while a new name index is filled (expand,
   * backfill, switch): the portal then shows the unordered list with a notice.
   */
  readonly directoryOrder: boolean;
  /** Who sees the directory: `names`, `staff` or `public` (see DirectoryMode). */
  readonly directory: DirectoryMode;
  /** AWS Backup of the table: daily, kept for the preset's days, optionally copied and locked. */
  readonly backup: BackupConfig;
  /** How staff sign in to the staff pages, at the load balancer. */
  readonly staffAuth: StaffAuthConfig;
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
