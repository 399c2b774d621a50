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
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { STUDENTS_TABLE } from '../../lambdas/shared/contract';

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
  /** The dynalite process, for a supervisor to watch. */
  readonly process: ChildProcess;
  close(): Promise<void>;
}

/** Credentials and region for talking to the local store; dynalite accepts any. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

const HOST = path.join(__dirname, 'dynalite-host.cjs');

/**
 * dynalite in a child process of its own (see dynalite-host.cjs): a request the local API is
 * parsing can never stall the data tier, nor the other way round.
 */
export async function startDataTier(options: DataTierOptions): Promise<DataTier> {
  const host = options.host ?? '127.0.0.1';
  const child = fork(HOST, [String(options.port), host, options.dataDir ?? ''], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (msg: { type: string; port?: number; code?: string; message?: string }) => {
      if (msg.type === 'listening' && msg.port) return resolve(msg.port);
      const taken = msg.code === 'EADDRINUSE';
      reject(
        new Error(
          taken
            ? `data tier (dynalite): port ${options.port} on ${host} is already in use`
            : `data tier (dynalite): ${msg.message}`,
        ),
      );
    });
    child.once('exit', (code) => reject(new Error(`data tier (dynalite) exited before listening (${code})`)));
  });
  return {
    endpoint: `http://${host}:${port}`,
    port,
    process: child,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
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
