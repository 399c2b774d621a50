/** What an environment name selects before any variable overrides a setting. */
import { DEFAULT_ALARM_THRESHOLDS } from './alarm-thresholds';
import type { DeploymentConfig } from './deployment-config';

export type Preset = Omit<
  DeploymentConfig,
  'environment' | 'manageApiGatewayAccount' | 'directoryOrder' | 'edge' | 'staffAuth'
>;

export const DEV: Preset = {
  region: 'us-east-1',
  azCount: 2,
  natMode: 'single',
  instanceType: 't4g.small',
  architecture: 'arm64',
  asg: { min: 2, desired: 2, max: 4 },
  logRetentionDays: 30,
  instanceConnectEndpoint: false,
  deletionProtection: true,
  // AWS's keys encrypt everything already; a key of our own is for who must control and audit it.
  customerManagedKey: false,
  // The public sees names only; in prod, nothing of the directory (staff sign in).
  directory: 'names',
  // Point-in-time recovery covers dev; AWS Backup is there to try (STUDENTS_BACKUP=true).
  backup: { enabled: false, retentionDays: 7 },
  apiThrottle: { rateLimit: 50, burstLimit: 100 },
  alarms: DEFAULT_ALARM_THRESHOLDS,
};

/** The presets an environment name selects; any other name starts from `dev`. */
export const PRESETS: Readonly<Record<string, Preset>> = {
  dev: DEV,
  prod: {
    ...DEV,
    natMode: 'per-az',
    directory: 'staff',
    backup: { enabled: true, retentionDays: 35 },
    asg: { min: 2, desired: 3, max: 8 },
    logRetentionDays: 365,
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    // Production pages sooner: a shorter sustained window.
    alarms: { ...DEFAULT_ALARM_THRESHOLDS, evaluationPeriods: 3, api5xxRate: 0.02 },
  },
};
