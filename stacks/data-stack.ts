import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { Construct } from 'constructs';
import { tableNameFor } from '../core/contract';
import { NAME_INDEX, TABLE_DEFINITION } from '../core/directory';
import { WORDS_TABLE_DEFINITION, wordsTableOf } from '../core/name-words';
import { prefixOf } from './config';
import type { DataKeyRef } from './constructs/data-key';
import { TableBackup } from './constructs/table-backup';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';

/** Props of the data stack. */
export interface DataStackProps extends StudentsStackProps {
  /**
   * The environment's customer-managed key (STUDENTS_CMK): both tables are encrypted with it.
   * @default the AWS-managed key, aws/dynamodb
   */
  readonly dataKey?: DataKeyRef;
}

/**
 * The Students table: keyed by `email`, on-demand, with point-in-time recovery and
 * encryption. Beside it, the name-words table that searches read: derived from the Students
 * table (`npm run backfill` rebuilds it from it), with the same settings. Deletion protection and
 * `prevent_destroy` follow the configuration on both. With `STUDENTS_BACKUP`, AWS Backup keeps
 * daily recovery points of the Students table (the name-words table is rebuilt from it), copied
 * to another region when `STUDENTS_BACKUP_COPY_REGION` names one.
 */
export class DataStack extends EnvironmentStack {
  public readonly tableName: string;
  public readonly tableArn: string;
  /** The name index's ARN, for the one function that queries it. */
  public readonly nameIndexArn: string;
  /** The backup vault's name, when AWS Backup is on: its failed jobs alarm. */
  public readonly backupVaultName?: string;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { config } = props;
    // Encrypted with the AWS-managed key (aws/dynamodb), or the environment's own: visible in the plan.
    const serverSideEncryption = { enabled: true, ...(props.dataKey ? { kmsKeyArn: props.dataKey.keyArn } : {}) };
    const table = new DynamodbTable(this, 'students-table', {
      name: tableNameFor(config.environment),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: TABLE_DEFINITION.hashKey,
      attribute: TABLE_DEFINITION.attributes.map((a) => ({ ...a })),
      // Adding an index is an in-place update: DynamoDB builds it from the existing items.
      globalSecondaryIndex: TABLE_DEFINITION.globalSecondaryIndexes.map((i) => ({
        ...i,
        nonKeyAttributes: [...i.nonKeyAttributes],
      })),
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption,
      deletionProtectionEnabled: config.deletionProtection,
      lifecycle: { preventDestroy: config.deletionProtection },
      // Adding an index to a table with data backfills it before the update completes: hours, for a large table.
      timeouts: { create: '30m', update: '4h', delete: '30m' },
    });
    new DynamodbTable(this, 'name-words-table', {
      name: wordsTableOf(tableNameFor(config.environment)),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: WORDS_TABLE_DEFINITION.hashKey,
      rangeKey: WORDS_TABLE_DEFINITION.rangeKey,
      attribute: WORDS_TABLE_DEFINITION.attributes.map((a) => ({ ...a })),
      // It holds copies of names and emails: encrypted like the table it comes from, and
      // recoverable to the same point in time, so a restore of both is consistent.
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption,
      deletionProtectionEnabled: config.deletionProtection,
      lifecycle: { preventDestroy: config.deletionProtection },
    });
    if (config.backup.enabled) {
      const { copyRegion } = config.backup;
      const copyProvider = copyRegion
        ? new AwsProvider(this, 'backup-copy-region', {
            alias: 'backup-copy',
            region: copyRegion,
            defaultTags: [{ tags: this.tags }],
            ...(config.awsAccountId ? { allowedAccountIds: [config.awsAccountId] } : {}),
          })
        : undefined;
      this.backupVaultName = new TableBackup(this, 'backup', {
        namePrefix: prefixOf(config),
        resourceArns: [table.arn],
        retentionDays: config.backup.retentionDays,
        ...(copyProvider ? { copyProvider } : {}),
        ...(config.backup.vaultLockDays ? { vaultLockDays: config.backup.vaultLockDays } : {}),
        preventDestroy: config.deletionProtection,
      }).vaultName;
    }
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.nameIndexArn = `${table.arn}/index/${NAME_INDEX.name}`;
  }
}
