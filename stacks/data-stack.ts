import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import type { Construct } from 'constructs';
import { STUDENTS_TABLE, tableNameFor } from '../lambdas/shared/contract';
import { EnvironmentStack, type StudentsStackProps } from './students-stack';

/** Props of the data stack. */
export type DataStackProps = StudentsStackProps;

/**
 * The Students table: keyed by `email`, on-demand, with point-in-time recovery and
 * encryption. Deletion protection and `prevent_destroy` follow the configuration.
 */
export class DataStack extends EnvironmentStack {
  public readonly tableName: string;
  public readonly tableArn: string;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { config } = props;
    const table = new DynamodbTable(this, 'students-table', {
      name: tableNameFor(config.environment),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: STUDENTS_TABLE.partitionKey,
      attribute: [{ name: STUDENTS_TABLE.partitionKey, type: STUDENTS_TABLE.partitionKeyType }],
      pointInTimeRecovery: { enabled: true },
      // Encrypted with the AWS-managed key (aws/dynamodb), visible in the plan.
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: config.deletionProtection,
      lifecycle: { preventDestroy: config.deletionProtection },
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
  }
}
