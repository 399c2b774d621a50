import { BackupPlan } from '@cdktf/provider-aws/lib/backup-plan';
import { BackupSelection } from '@cdktf/provider-aws/lib/backup-selection';
import { BackupVault } from '@cdktf/provider-aws/lib/backup-vault';
import { BackupVaultLockConfiguration } from '@cdktf/provider-aws/lib/backup-vault-lock-configuration';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Construct } from 'constructs';
import { protectionNames } from '../config/backup';
import { trustPolicy } from '../iam';

/** The managed policies AWS Backup's role needs to back up and to restore, and no more. */
export const BACKUP_ROLE_POLICIES = [
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
  'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
];
/** When the daily backup starts: 03:00 UTC, outside school hours in most time zones. */
export const BACKUP_SCHEDULE = 'cron(0 3 * * ? *)';
/** A compliance-mode lock can be changed or removed for this many days; then never. */
export const VAULT_LOCK_GRACE_DAYS = 3;

/** Props of the table's backup. */
export interface TableBackupProps {
  /** Physical names: `<namePrefix>-backup`. */
  readonly namePrefix: string;
  /** The resources backed up (the table, by reference). */
  readonly resourceArns: string[];
  /** Days each recovery point is kept. */
  readonly retentionDays: number;
  /**
   * A provider for another region: each recovery point is copied to a vault there.
   * @default no copy
   */
  readonly copyProvider?: AwsProvider;
  /**
   * Locks both vaults in compliance mode: no recovery point can be deleted before this many days,
   * by anyone, once the grace period has passed.
   * @default no lock
   */
  readonly vaultLockDays?: number;
  /**
   * `prevent_destroy` on the vaults (they hold the recovery points).
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * AWS Backup of the table: a vault, a daily plan kept for `retentionDays` (and copied to a vault
 * in another region when given), a selection of the table by reference, and the service role
 * with exactly AWS's two managed policies for backing up and restoring.
 */
export class TableBackup extends Construct {
  public readonly vaultName: string;
  public readonly planId: string;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const keep = props.preventDestroy ?? true;
    const names = protectionNames(props.namePrefix);
    const vault = new BackupVault(this, 'vault', {
      name: names.backupVault,
      lifecycle: { preventDestroy: keep },
    });
    vault.overrideLogicalId('backup-vault');
    const copyVault = props.copyProvider
      ? new BackupVault(this, 'copy-vault', {
          provider: props.copyProvider,
          name: names.backupCopyVault,
          lifecycle: { preventDestroy: keep },
        })
      : undefined;
    copyVault?.overrideLogicalId('backup-copy-vault');
    if (props.vaultLockDays) {
      for (const [v, name, provider] of [
        [vault, 'backup-vault-lock', undefined],
        ...(copyVault ? [[copyVault, 'backup-copy-vault-lock', props.copyProvider]] : []),
      ] as [BackupVault, string, AwsProvider | undefined][]) {
        new BackupVaultLockConfiguration(this, name, {
          ...(provider ? { provider } : {}),
          backupVaultName: v.name,
          minRetentionDays: props.vaultLockDays,
          changeableForDays: VAULT_LOCK_GRACE_DAYS,
        }).overrideLogicalId(name);
      }
    }
    const plan = new BackupPlan(this, 'plan', {
      name: `${props.namePrefix}-backup`,
      rule: [
        {
          ruleName: 'daily',
          targetVaultName: vault.name,
          schedule: BACKUP_SCHEDULE,
          startWindow: 60,
          completionWindow: 360,
          lifecycle: { deleteAfter: props.retentionDays },
          ...(copyVault
            ? { copyAction: [{ destinationVaultArn: copyVault.arn, lifecycle: { deleteAfter: props.retentionDays } }] }
            : {}),
        },
      ],
    });
    plan.overrideLogicalId('backup-plan');
    const role = new IamRole(this, 'role', {
      name: names.backupRole,
      assumeRolePolicy: trustPolicy([
        { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]),
    });
    role.overrideLogicalId('backup-role');
    for (const [i, policyArn] of BACKUP_ROLE_POLICIES.entries())
      new IamRolePolicyAttachment(this, `role-policy-${i}`, { role: role.name, policyArn }).overrideLogicalId(
        `backup-role-${i === 0 ? 'backup' : 'restores'}`,
      );
    new BackupSelection(this, 'selection', {
      name: `${props.namePrefix}-table`,
      planId: plan.id,
      iamRoleArn: role.arn,
      resources: props.resourceArns,
    }).overrideLogicalId('backup-selection');
    this.vaultName = vault.name;
    this.planId = plan.id;
  }
}
