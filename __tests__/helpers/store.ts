/**
 * A real DynamoDB-protocol store (dynalite) for behaviour tests, and loaders for the
 * handlers as TypeScript sources or as the built bundles in dist/.
 */
import { BatchWriteItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type FunctionName, TABLE_NAME_VARIABLE } from '../../core/contract';
import { directoryAttributes } from '../../core/directory';
import { NAME_WORDS, wordsTableOf } from '../../core/name-words';
import { lambdaBundlePath } from '../../scripts/build';
import { LambdaProcess } from '../../scripts/local/lambda-process';
import {
  ensureStudentsTable,
  LOCAL_AWS_ENV,
  localClient,
  startDataTier,
  type DataTier,
  wordEntriesOfItems,
  writeAll,
} from '../../scripts/local/data-tier';

export type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;
export type Variant = 'source' | 'bundle';

const ROOT = path.resolve(__dirname, '..', '..');

export async function startStore(): Promise<DataTier> {
  return startDataTier({ port: 0 });
}

let tableCounter = 0;
/** A fresh, empty table for one test. */
export async function freshTable(store: DataTier): Promise<string> {
  const name = `test-${process.pid}-${++tableCounter}`;
  await ensureStudentsTable(store.endpoint, name);
  return name;
}

export type LoadedHandler = Handler & {
  /** Lines the handler wrote to stdout and stderr. */
  readonly logLines: string[];
};

const processes: LambdaProcess[] = [];

/**
 * Starts a handler in its own Node process with the environment the stack gives it, as the
 * Lambda runtime runs it: the TypeScript source (through tsx) or the built bundle in dist/.
 */
export function loadHandler(
  variant: Variant,
  fn: FunctionName,
  env: { endpoint: string; tableName: string; extra?: Record<string, string> },
): LoadedHandler {
  const fnEnv: Record<string, string> = {
    ...LOCAL_AWS_ENV,
    AWS_ENDPOINT_URL_DYNAMODB: env.endpoint,
    [TABLE_NAME_VARIABLE]: env.tableName,
    LOG_LEVEL: 'error',
    ...env.extra,
  };
  const entry = variant === 'bundle' ? lambdaBundlePath(fn) : path.join(ROOT, 'lambdas', fn, 'index.ts');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run npm run build`);
  const logLines: string[] = [];
  const lp = new LambdaProcess({
    bundle: entry,
    functionName: fn,
    env: fnEnv,
    execArgv: variant === 'source' ? ['--import', 'tsx'] : [],
    onLine: (line) => logLines.push(line),
  });
  processes.push(lp);
  return Object.assign((event: APIGatewayProxyEvent) => lp.invoke(event) as Promise<APIGatewayProxyResult>, {
    logLines,
  });
}

/** Stops the handler processes started by loadHandler. */
export async function stopHandlers(): Promise<void> {
  await Promise.all(processes.splice(0).map((p) => p.stop()));
}

/** Deletes every item (and every name-words entry), so one table serves a whole test file. */
export async function clearTable(store: DataTier, tableName: string): Promise<void> {
  const client = localClient(store.endpoint);
  const words = wordsTableOf(tableName);
  for (const [table, keys] of [
    [tableName, ['email']],
    [words, [NAME_WORDS.partitionKey, NAME_WORDS.sortKey]],
  ] as const) {
    // A scan answers 1 MB at most: scan again until the table is empty.
    for (;;) {
      const items = (await client.send(new ScanCommand({ TableName: table }))).Items ?? [];
      if (items.length === 0) break;
      for (let i = 0; i < items.length; i += 25) {
        const batch = items
          .slice(i, i + 25)
          .map((item) => ({ DeleteRequest: { Key: Object.fromEntries(keys.map((k) => [k, item[k]!])) } }));
        await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: batch } }));
      }
    }
  }
  client.destroy();
}

/**
 * Every item in the table, as stored (raw attribute values unmarshalled), with the name index's
 * keys left out where they are exactly what the item's name and email call for; a wrong key
 * stays in, so a comparison with the four fields fails. `raw` keeps every attribute.
 */
export async function scanAll(
  store: DataTier,
  tableName: string,
  options: { raw?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const client = localClient(store.endpoint);
  const items: Record<string, unknown>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []).map((i) => unmarshall(i)));
    start = page.LastEvaluatedKey;
  } while (start);
  client.destroy();
  if (options.raw) return items;
  return items.map((item) => {
    const expected =
      typeof item.name === 'string' && typeof item.email === 'string'
        ? directoryAttributes({ name: item.name, email: item.email })
        : {};
    const keys = Object.keys(expected);
    if (keys.length === 0 || !keys.every((k) => item[k] === expected[k])) return item;
    return Object.fromEntries(Object.entries(item).filter(([k]) => !keys.includes(k)));
  });
}

/**
 * Writes raw items, 25 to a request, as another system (e.g. the Python one) would have; items
 * with the name index's keys (as the signup Lambda writes them) get their name-words entries too.
 */
export async function putRaw(
  store: DataTier,
  tableName: string,
  items: Record<string, AttributeValue>[],
): Promise<void> {
  const client = localClient(store.endpoint);
  try {
    await writeAll(client, tableName, items);
    await writeAll(client, wordsTableOf(tableName), wordEntriesOfItems(items));
  } finally {
    client.destroy();
  }
}

/** A student as the signup Lambda stores it: the four fields and the name index's keys. */
export function indexedItem(
  student: Record<'name' | 'age' | 'email' | 'country', string>,
): Record<string, AttributeValue> {
  const all: Record<string, string> = { ...student, ...directoryAttributes(student) };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, { S: v }]));
}

export function studentItem(i: number, padTo = 0): Record<string, AttributeValue> {
  const base = `Student ${String(i).padStart(5, '0')}`;
  const name = padTo > base.length ? base.padEnd(padTo, '.') : base;
  const email = `student${i}@example.com`;
  const index = directoryAttributes({ name, email });
  return {
    email: { S: email },
    name: { S: name },
    age: { S: String(18 + (i % 40)) },
    country: { S: 'Norway' },
    // As the signup Lambda writes it: in the name order.
    ...Object.fromEntries(Object.entries(index).map(([k, v]) => [k, { S: v }])),
  };
}
