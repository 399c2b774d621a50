import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One document client per module, reused across invocations. Endpoint, region and
 * credentials come from the SDK's standard environment (AWS_ENDPOINT_URL_DYNAMODB, AWS_REGION).
 * Short timeouts make an unreachable store an error well inside the API's 29 s budget.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
    // Legacy numbers keep their exact digits.
    unmarshallOptions: { wrapNumbers: true },
  });
}

export function requireTableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
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

/** True when the store is busy or out of reach, so the client may retry later (503). */
export function isStoreUnavailable(err: unknown): boolean {
  // Duck-typed: socket errors may come from another realm than this module's Error.
  if (typeof err !== 'object' || err === null) return false;
  const { name, code } = err as { name?: unknown; code?: unknown };
  return (typeof name === 'string' && UNAVAILABLE.has(name)) || (typeof code === 'string' && UNAVAILABLE.has(code));
}
