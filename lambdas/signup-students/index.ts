import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { MAX_BODY_BYTES, SIGNUP_SUCCESS_MESSAGE, STUDENTS_TABLE } from '../shared/contract';
import { createDocumentClient, requireTableName, storeFailure } from '../shared/dynamo';
import { bodyText, respond, respondError } from '../shared/http';
import { log } from '../shared/log';
import { validateStudent } from '../shared/student';

const db = createDocumentClient();
const TABLE_NAME = requireTableName();

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId;
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

  try {
    await db.send(
      new PutCommand({
        TableName: TABLE_NAME,
        Item: result.student,
        // A registration is never overwritten: the first one for an email wins.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': STUDENTS_TABLE.partitionKey },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) {
      log('info', 'signup rejected', { requestId, reason: 'duplicate' });
      return respondError(409, 'A student with this email is already registered', {
        errors: [{ field: 'email', message: 'This email is already registered' }],
      });
    }
    return storeFailure(err, requestId, {
      logMessage: 'signup write failed',
      unavailable: 'Signups are temporarily unavailable; please try again',
      failed: 'The signup could not be confirmed; please try again',
    });
  }
  log('info', 'student signed up', { requestId });
  return respond(200, SIGNUP_SUCCESS_MESSAGE);
}
