/**
 * The local data tier: dynalite, a server that speaks the DynamoDB wire protocol,
 * with the Students table created from the same definition the data stack deploys.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { STUDENTS_TABLE } from '../../lambdas/shared/contract';
import { listen } from './net';

export interface DataTierOptions {
  /** Port to listen on; 0 picks a free one. */
  port: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** LevelDB directory for data that survives restarts; in memory when absent. */
  dataDir?: string;
}

export interface DataTier {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Credentials and region for talking to the local store; dynalite accepts any. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

export async function startDataTier(options: DataTierOptions): Promise<DataTier> {
  const server: Server = dynalite({ path: options.dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await listen(server, options.port, options.host ?? '127.0.0.1', 'data tier (dynalite)');
  const { port, address } = server.address() as AddressInfo;
  return {
    endpoint: `http://${address}:${port}`,
    port,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
}

/** Creates the table unless it exists. Returns true when it was created. */
export async function ensureStudentsTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [
          { AttributeName: STUDENTS_TABLE.partitionKey, AttributeType: STUDENTS_TABLE.partitionKeyType },
        ],
        KeySchema: [{ AttributeName: STUDENTS_TABLE.partitionKey, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return true;
  } finally {
    client.destroy();
  }
}
