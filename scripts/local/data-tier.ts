/**
 * The local data tier: dynalite, a server that speaks the DynamoDB wire protocol,
 * with the Students table created from the same definition the data stack deploys.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  DescribeTableCommand,
  DynamoDBClient,
  paginateScan,
  ResourceNotFoundException,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { unmarshall, marshall } from '@aws-sdk/util-dynamodb';
import { NAME_INDEX, TABLE_DEFINITION } from '../../core/directory';
import { WORDS_TABLE_DEFINITION, wordEntriesOf, wordsTableOf } from '../../core/name-words';
import { validateStudent } from '../../core/student';

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
  /** DynamoDB requests served so far, by operation (`Query`, `GetItem`…): what a page costs. */
  served(): Promise<Readonly<Record<string, number>>>;
  close(): Promise<void>;
}

/** Credentials and region for talking to the local store; dynalite accepts any. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** The same keys in the SDK's shape: what the local tiers sign with and check against. */
export const LOCAL_CREDENTIALS = {
  accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY,
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
  let asked = 0;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    process: child,
    served: () =>
      new Promise((resolve) => {
        const id = ++asked;
        const answer = (msg: { type?: string; id?: number; served?: Record<string, number> }) => {
          if (msg.type !== 'served' || msg.id !== id) return;
          child.off('message', answer);
          resolve(msg.served ?? {});
        };
        child.on('message', answer);
        child.send({ type: 'served', id });
      }),
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
    credentials: LOCAL_CREDENTIALS,
  });
}

/**
 * dynalite creates and deletes tables as DynamoDB does, a moment after it answers: wait for the
 * table to be ACTIVE (or gone) before the next call, a fraction of a second at a time.
 */
const LOCAL_WAITER = { minDelay: 0.02, maxDelay: 0.5, maxWaitTime: 30 } as const;

/** Creates a Students table as the data stack defines it (keys and the name index), and waits for it. */
export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: TABLE_DEFINITION.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
      KeySchema: [{ AttributeName: TABLE_DEFINITION.hashKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: TABLE_DEFINITION.globalSecondaryIndexes.map((i) => ({
        IndexName: i.name,
        KeySchema: [
          { AttributeName: i.hashKey, KeyType: 'HASH' },
          { AttributeName: i.rangeKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: i.projectionType, NonKeyAttributes: [...i.nonKeyAttributes] },
      })),
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, ...LOCAL_WAITER }, { TableName: tableName });
}

/** Writes items to a table, 25 to a request, until none is left unprocessed. */
export async function writeAll(
  client: DynamoDBClient,
  tableName: string,
  items: readonly Record<string, AttributeValue>[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
      pending = out.UnprocessedItems?.[tableName] ?? [];
    }
  }
}

/**
 * Creates the name-words table unless it exists; a new one beside a table that holds students in
 * the name order is filled from it at once (deployed, `npm run backfill` does this).
 */
async function ensureWordsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const words = wordsTableOf(tableName);
  try {
    await client.send(new DescribeTableCommand({ TableName: words }));
    return;
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await client.send(
    new CreateTableCommand({
      TableName: words,
      AttributeDefinitions: WORDS_TABLE_DEFINITION.attributes.map((a) => ({
        AttributeName: a.name,
        AttributeType: a.type,
      })),
      KeySchema: [
        { AttributeName: WORDS_TABLE_DEFINITION.hashKey, KeyType: 'HASH' },
        { AttributeName: WORDS_TABLE_DEFINITION.rangeKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await waitUntilTableExists({ client, ...LOCAL_WAITER }, { TableName: words });
  const entries: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true }))
    entries.push(...wordEntriesOfItems(page.Items ?? []));
  await writeAll(client, words, entries);
}

/**
 * The name-words entries of stored items, as stored. As deployed, a student in the name order has
 * its entries; one from before the order (without its keys) gets both from the backfill.
 */
export function wordEntriesOfItems(items: readonly Record<string, AttributeValue>[]): Record<string, AttributeValue>[] {
  return items.flatMap((item) => {
    if (item[NAME_INDEX.partitionKey] === undefined) return [];
    const checked = validateStudent(unmarshall(item));
    return checked.ok ? wordEntriesOf(checked.student).map((e) => marshall(e)) : [];
  });
}

/**
 * dynalite cannot add an index to a table (DynamoDB builds one in place), so a local table from
 * before the name index is rebuilt: its items are read, the table made anew, and every item
 * written back, unchanged (the backfill then adds the index keys).
 */
async function rebuildWithIndexes(client: DynamoDBClient, tableName: string): Promise<number> {
  const items: Record<string, AttributeValue>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true }))
    items.push(...(page.Items ?? []));
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  await waitUntilTableNotExists({ client, ...LOCAL_WAITER }, { TableName: tableName });
  await createTable(client, tableName);
  await writeAll(client, tableName, items);
  return items.length;
}

export type TableState = 'created' | 'existing' | 'rebuilt';

/**
 * Creates the table unless it exists, and rebuilds one that lacks the name index; then the
 * name-words table beside it.
 */
export async function ensureStudentsTable(endpoint: string, tableName: string): Promise<TableState> {
  const client = localClient(endpoint);
  try {
    let state: TableState;
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      const indexes = new Set((Table?.GlobalSecondaryIndexes ?? []).map((i) => i.IndexName));
      if (TABLE_DEFINITION.globalSecondaryIndexes.every((i) => indexes.has(i.name))) state = 'existing';
      else {
        await rebuildWithIndexes(client, tableName);
        state = 'rebuilt';
      }
    } catch (err) {
      if (!(err instanceof ResourceNotFoundException)) throw err;
      await createTable(client, tableName);
      state = 'created';
    }
    await ensureWordsTable(client, tableName);
    return state;
  } finally {
    client.destroy();
  }
}
