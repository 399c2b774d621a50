/**
 * The removal Lambda (`DELETE /student`, IAM-authorized in every access mode: only the portal's
 * role may call it, for a staff member it has verified): deletes a student's record and its
 * name-words entries, so the list and search forget the student at once, and writes an audit
 * line (who, when, which record by a digest of its key; never the removed values).
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isJsonBody, MAX_BODY_BYTES, STUDENTS_TABLE } from '../../core/contract';
import { log } from '../../core/log';
import { wordKeysOf, NAME_WORDS, wordsTableOf } from '../../core/name-words';
import { recordDigest, validateRemoval } from '../../core/removal';
import { validateStored } from '../../core/student';
import { batchWriteAll, createDocumentClient, requireTableName, storeFailure } from '../shared/dynamo';
import { bodyText, headerOf, respond, respondError } from '../shared/http';
import { logContext } from '../shared/log-context';

const db = createDocumentClient();
const TABLE_NAME = requireTableName();
const KEY = STUDENTS_TABLE.partitionKey;
const WORDS_TABLE = wordsTableOf(TABLE_NAME);

/** The name-words entries a stored record has (none for a record that does not normalise). */
function wordKeysOfItem(item: Record<string, unknown>): string[] {
  const checked = validateStored(item);
  return checked.ok ? wordKeysOf(checked.student) : [];
}

async function deleteWordEntries(keys: readonly string[]): Promise<void> {
  await batchWriteAll(
    db,
    WORDS_TABLE,
    keys.map((key) => ({
      DeleteRequest: { Key: { [NAME_WORDS.partitionKey]: NAME_WORDS.partitionValue, [NAME_WORDS.sortKey]: key } },
    })),
  );
}

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  logContext(context);
  const requestId = event.requestContext?.requestId;
  if (!isJsonBody(headerOf(event, 'content-type'))) return respondError(415, 'Content-Type must be application/json');
  const text = bodyText(event);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    return respondError(413, `The request body is too large (at most ${MAX_BODY_BYTES} bytes)`);
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    return respondError(400, 'The request body is not valid JSON');
  }
  const checked = validateRemoval(input);
  if (!checked.ok) {
    log('info', 'removal rejected', { requestId, reason: 'invalid', fields: checked.errors.map((e) => e.field) });
    return respondError(400, checked.message, { errors: checked.errors });
  }
  const { email, requestedBy } = checked.request;
  const record = recordDigest(email);
  try {
    const item = (await db.send(new GetCommand({ TableName: TABLE_NAME, Key: { [KEY]: email }, ConsistentRead: true })))
      .Item;
    if (!item) {
      log('info', 'removal of no record', { requestId, audit: true, requestedBy, record });
      return respondError(404, 'No student is registered with this email');
    }
    await db.send(new DeleteCommand({ TableName: TABLE_NAME, Key: { [KEY]: email } }));
    // The entries that search reads go with it: a student removed is found by nobody.
    await deleteWordEntries(wordKeysOfItem(item));
    log('info', 'student removed', { requestId, audit: true, requestedBy, record });
    return respond(200, { message: 'The student was removed' });
  } catch (err) {
    return storeFailure(err, requestId, {
      logMessage: 'removal failed',
      unavailable: 'The registry is busy: try the removal again in a moment',
      failed: 'The student could not be removed',
    });
  }
}
