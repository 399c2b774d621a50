/**
 * The functions' DynamoDB client (retries and timeouts within the time budgets), and what a store
 * failure answers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { TABLE_NAME_VARIABLE, TIME_BUDGETS } from '../../core/contract';
import { respondError } from './http';
import { errorFields, log } from '../../core/log';

/** One request of a BatchWrite: a put or a delete. */
export type WriteRequest =
  | { PutRequest: { Item: Record<string, unknown> } }
  | { DeleteRequest: { Key: Record<string, unknown> } };

/**
 * One BatchWrite (at most 25 requests; the functions send ten at most); what DynamoDB leaves
 * unprocessed is sent again, twice at most, then it fails.
 */
export async function batchWriteAll(
  db: DynamoDBDocumentClient,
  table: string,
  requests: readonly WriteRequest[],
): Promise<void> {
  let pending = [...requests];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt === 3) throw new Error(`${table}: ${pending.length} writes left unprocessed`);
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
  }
}

/**
 * One document client per module, reused across invocations. Endpoint, region and
 * credentials come from the SDK's standard environment (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION).
 * Its attempts and deadlines (TIME_BUDGETS) make an unreachable store a clean 503 well before
 * the function's own timeout would cut the answer off.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  const { maxAttempts, connectionTimeoutMs, requestTimeoutMs } = TIME_BUDGETS.store;
  const client = new DynamoDBClient({
    maxAttempts,
    requestHandler: { connectionTimeout: connectionTimeoutMs, requestTimeout: requestTimeoutMs },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    // Legacy numbers keep their exact digits.
    unmarshallOptions: { wrapNumbers: true },
  });
}

export function requireTableName(): string {
  const name = process.env[TABLE_NAME_VARIABLE];
  if (!name) throw new Error(`${TABLE_NAME_VARIABLE} is not set`);
  return name;
}

const UNAVAILABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
  'InternalServerError',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * The answer when the store failed: 503 when it is busy or out of reach (the client may retry),
 * 500 otherwise; the log line has the error's name and code, never its message.
 */
export function storeFailure(
  err: unknown,
  requestId: string | undefined,
  answers: { readonly logMessage: string; readonly unavailable: string; readonly failed: string },
): APIGatewayProxyResult {
  log('error', answers.logMessage, { requestId, ...errorFields(err) });
  return isStoreUnavailable(err) ? respondError(503, answers.unavailable) : respondError(500, answers.failed);
}

/** True when the store is busy or out of reach, so the client may retry later (503). */
export function isStoreUnavailable(err: unknown): boolean {
  // Duck-typed: socket errors may come from another realm than this module's Error.
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return (typeof name === 'string' && UNAVAILABLE.has(name)) || (typeof code === 'string' && UNAVAILABLE.has(code));
}
