/**
 * The signup Lambda (`POST /student`): validates, stores a student once (a repeat of the same
 * details is a success, other details a 409), and writes its name-words entries.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { isJsonBody, MAX_BODY_BYTES, SIGNUP_SUCCESS_MESSAGE, STUDENTS_TABLE } from '../../core/contract';
import { directoryAttributes } from '../../core/directory';
import { wordEntriesOf, wordsTableOf } from '../../core/name-words';
import { batchWriteAll, createDocumentClient, requireTableName, storeFailure } from '../shared/dynamo';
import { bodyText, headerOf, respond, respondError, withCors } from '../shared/http';
import { log } from '../../core/log';
import { logContext } from '../shared/log-context';
import { type Student, sameStudent, validateStored, validateStudent } from '../../core/student';

const db = createDocumentClient();
const TABLE_NAME = requireTableName();
const KEY = STUDENTS_TABLE.partitionKey;
const WORDS_TABLE = wordsTableOf(TABLE_NAME);

/**
 * Writes the student's entries in the name-words table (a search by any word of the name finds
 * them). Idempotent: a repeated signup writes them again, which mends a signup whose entries
 * failed after its record was stored. One BatchWrite (at most ten entries); what DynamoDB leaves
 * unprocessed is sent again, twice at most.
 */
async function writeWordEntries(student: Student): Promise<void> {
  await batchWriteAll(
    db,
    WORDS_TABLE,
    wordEntriesOf(student).map((Item) => ({ PutRequest: { Item } })),
  );
}

/**
 * Spellings of the email that records written before normalisation (by the Python handlers,
 * which stored what was sent) may carry: as sent, and upper-cased. `npm run backfill`
 * rewrites such keys; until then, signup looks for them before it writes.
 */
export function legacySpellings(sent: unknown, email: string): string[] {
  const asSent = typeof sent === 'string' ? sent.trim() : '';
  return [...new Set([asSent, asSent.toUpperCase(), email.toUpperCase()])].filter((e) => e !== '' && e !== email);
}

/** A stored record as the student it stands for (legacy records normalise first). */
function storedStudent(item: Record<string, unknown>): Student | undefined {
  const checked = validateStored(item);
  return checked.ok ? checked.student : undefined;
}

/**
 * The answer when a registration for this email exists: the same values are a retry, answered
 * as the first signup was (its search entries written again); other values are a conflict.
 */
async function existing(
  item: Record<string, unknown>,
  student: Student,
  requestId: string | undefined,
): Promise<APIGatewayProxyResult> {
  const stored = storedStudent(item);
  if (stored && sameStudent(stored, student)) {
    if (item[KEY] === student.email) await writeWordEntries(student);
    log('info', 'signup repeated', { requestId });
    return respond(200, SIGNUP_SUCCESS_MESSAGE);
  }
  log('info', 'signup rejected', { requestId, reason: 'duplicate' });
  return respondError(409, 'A student with this email is already registered with other details', {
    errors: [
      {
        field: 'email',
        message:
          'This email address is already registered with other details. Use another email address, or contact the registry to change the registration.',
      },
    ],
  });
}

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  return withCors(event, await handle(event, context));
}

async function handle(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  logContext(context);
  const requestId = event.requestContext?.requestId;
  // A text/plain or form POST is a CORS "simple request" any web page can send without asking.
  if (!isJsonBody(headerOf(event, 'content-type'))) {
    log('info', 'signup rejected', { requestId, reason: 'content-type' });
    return respondError(415, 'Content-Type must be application/json');
  }
  const text = bodyText(event);
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    log('info', 'signup rejected', { requestId, reason: 'too-large' });
    return respondError(413, `The request body is too large (at most ${MAX_BODY_BYTES} bytes)`);
  }
  if (text.trim() === '')
    return respondError(400, 'The request body is required: a JSON object with name, age, email and country');

  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    log('info', 'signup rejected', { requestId, reason: 'invalid-json' });
    return respondError(400, 'The request body is not valid JSON');
  }
  const result = validateStudent(input);
  if (!result.ok) {
    log('info', 'signup rejected', { requestId, reason: 'invalid', fields: result.errors.map((e) => e.field) });
    return respondError(400, result.message, { errors: result.errors });
  }
  const student = result.student;

  try {
    const legacy = legacySpellings((input as Record<string, unknown>).email, student.email);
    if (legacy.length > 0) {
      const found = await db.send(
        new BatchGetCommand({
          RequestItems: { [TABLE_NAME]: { Keys: legacy.map((e) => ({ [KEY]: e })), ConsistentRead: true } },
        }),
      );
      const item = found.Responses?.[TABLE_NAME]?.[0];
      if (item) return await existing(item, student, requestId);
    }
    try {
      await db.send(
        new PutCommand({
          TableName: TABLE_NAME,
          // The four fields, and the keys that place the student in the name order.
          Item: { ...student, ...directoryAttributes(student) },
          // A registration is never overwritten: the first one for an email wins.
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY },
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const stored = await db.send(
        new GetCommand({ TableName: TABLE_NAME, Key: { [KEY]: student.email }, ConsistentRead: true }),
      );
      if (stored.Item) return await existing(stored.Item, student, requestId);
      throw err;
    }
    await writeWordEntries(student);
  } catch (err) {
    return storeFailure(err, requestId, {
      logMessage: 'signup write failed',
      unavailable: 'Signups are temporarily unavailable; please try again',
      failed: 'The signup could not be confirmed; please try again',
    });
  }
  log('info', 'student signed up', { requestId });
  return respond(200, SIGNUP_SUCCESS_MESSAGE);
}
