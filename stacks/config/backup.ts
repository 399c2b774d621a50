/**
 * AWS Backup of the table (`STUDENTS_BACKUP`): a daily recovery point kept for the preset's days,
 * optionally copied to a vault in another region (`STUDENTS_BACKUP_COPY_REGION`), whose vault may
 * be locked in compliance mode (`STUDENTS_BACKUP_VAULT_LOCK_DAYS`: irreversible three days after
 * it is applied).
 */
import { bool, ConfigError, int } from './parsers';

export interface BackupConfig {
  readonly enabled: boolean;
  /** Days each recovery point is kept (35 in prod, 7 in dev). */
  readonly retentionDays: number;
  /** A region a copy of each recovery point goes to. @default none */
  readonly copyRegion?: string;
  /** Vault lock in compliance mode: the least days any recovery point is kept. @default no lock */
  readonly vaultLockDays?: number;
}

export const BACKUP_VARIABLES = {
  backup: 'STUDENTS_BACKUP',
  backupCopyRegion: 'STUDENTS_BACKUP_COPY_REGION',
  backupVaultLockDays: 'STUDENTS_BACKUP_VAULT_LOCK_DAYS',
} as const;

/**
 * The physical names of an environment's data protection (`prefix` is `students-<env>`): the
 * stacks create them, and `npm run restore` finds them by them.
 */
export function protectionNames(prefix: string) {
  return {
    backupVault: `${prefix}-backup`,
    backupCopyVault: `${prefix}-backup-copy`,
    /** AWS Backup's service role: it restores recovery points too. */
    backupRole: `${prefix}-backup`,
    dataKeyAlias: `alias/${prefix}-data`,
  } as const;
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function parseBackup(
  env: Record<string, string | undefined>,
  preset: Pick<BackupConfig, 'enabled' | 'retentionDays'>,
  region: string,
): BackupConfig {
  const v = BACKUP_VARIABLES;
  const enabled = bool(v.backup, env[v.backup], preset.enabled);
  const copyRegion = env[v.backupCopyRegion]?.trim() || undefined;
  const lock = env[v.backupVaultLockDays]?.trim() || undefined;
  if (!enabled) {
    for (const [name, value] of [
      [v.backupCopyRegion, copyRegion],
      [v.backupVaultLockDays, lock],
    ] as const)
      if (value) throw new ConfigError(name, `needs the backup itself: set ${v.backup}=true too`);
    return { enabled, retentionDays: preset.retentionDays };
  }
  if (copyRegion && !REGION.test(copyRegion))
    throw new ConfigError(v.backupCopyRegion, `"${copyRegion}" is not an AWS region name like eu-west-1`);
  if (copyRegion === region)
    throw new ConfigError(
      v.backupCopyRegion,
      `"${copyRegion}" is the environment's own region: a copy must survive its outage`,
    );
  const vaultLockDays = lock === undefined ? undefined : int(v.backupVaultLockDays, lock, 1, 1, preset.retentionDays);
  return {
    enabled,
    retentionDays: preset.retentionDays,
    ...(copyRegion ? { copyRegion } : {}),
    ...(vaultLockDays ? { vaultLockDays } : {}),
  };
}
