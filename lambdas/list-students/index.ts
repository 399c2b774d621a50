/**
 * The list Lambda (`GET /student`): every student as the reference design lists them, or with
 * `order=name` a page of the directory or of a search.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { NumberValue, ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import {
  COUNT_ESTIMATE_HEADER,
  RANK_HEADER,
  CURSOR_PATTERN,
  DIRECTORY_NOT_READY,
  DIRECTORY_ORDER_VARIABLE,
  LIST_LIMIT,
  NEXT_CURSOR_HEADER,
  ORDER_BY_NAME,
  PREV_CURSOR_HEADER,
  STUDENTS_TABLE,
} from '../../core/contract';
import { decodePosition, encodePosition, parseSearch, type Position } from '../../core/directory';
import { createDocumentClient, requireTableName, storeFailure } from '../shared/dynamo';
import { queryParam, respond, respondError, withCors } from '../shared/http';
import { log } from '../../core/log';
import { logContext } from '../shared/log-context';
import { STUDENT_FIELDS, type Student } from '../../core/student';
import { Directory } from './directory-read';

const db = createDocumentClient();
const TABLE_NAME = requireTableName();
const directory = new Directory(db, TABLE_NAME, (item) => toStudent(item));
/** Searches by the start of any word of a name: the name-words table. */
const wordSearch = new Directory(db, TABLE_NAME, (item) => toStudent(item), 'words');
/** Students on an ordered page when `limit` is not given. */
const DEFAULT_PAGE = 50;

/**
 * Bytes of listed students per response. Lambda's response limit is 6 MB, counted on the
 * JSON envelope in which the body is an escaped string; 4 MB leaves room for that and the headers.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 4_000_000;
const maxResponseBytes = Number(process.env.LIST_MAX_RESPONSE_BYTES) || DEFAULT_MAX_RESPONSE_BYTES;

type Key = { [STUDENTS_TABLE.partitionKey]: string };
/** Only the four fields are read (`name` is a reserved word, hence the placeholders). */
const PROJECTION = STUDENT_FIELDS.map((f) => `#${f}`).join(', ');
const PROJECTION_NAMES = Object.fromEntries(STUDENT_FIELDS.map((f) => [`#${f}`, f]));

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify({ [STUDENTS_TABLE.partitionKey]: key.email })).toString('base64url');
}

/** The key a cursor continues after, or undefined when the cursor is not one of ours. */
export function decodeCursor(cursor: string): Key | undefined {
  if (!CURSOR_PATTERN.test(cursor)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const entries = Object.entries(parsed);
    const [name, value] = entries[0] ?? [];
    if (entries.length !== 1 || name !== STUDENTS_TABLE.partitionKey || typeof value !== 'string' || value === '')
      return undefined;
    return { email: value };
  } catch {
    return undefined;
  }
}

/**
 * A stored value as listed text. Records written by the Python handlers hold what was sent: a
 * Number age prints as its exact digits, a set of strings or numbers as its members; anything
 * else that is not text (maps, lists, binary, booleans) lists as blank, never `[object …]`.
 */
export function listedText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  // NumberValue (wrapNumbers) keeps a legacy number's exact text.
  if (v instanceof NumberValue) return v.toString();
  if (v instanceof Set) return [...v].map(listedText).filter(Boolean).sort().join(', ');
  return '';
}

function toStudent(item: Record<string, unknown>): Student {
  const out = {} as Student;
  for (const field of STUDENT_FIELDS) out[field] = listedText(item[field]);
  return out;
}

function parseLimit(raw: string | undefined): number | undefined | 'invalid' {
  if (raw === undefined) return undefined;
  if (!/^\d{1,4}$/.test(raw)) return 'invalid';
  const n = Number(raw);
  return n >= LIST_LIMIT.min && n <= LIST_LIMIT.max ? n : 'invalid';
}

function positionParam(event: APIGatewayProxyEvent, name: 'from' | 'before'): Position | undefined | 'invalid' {
  const raw = queryParam(event, name);
  if (raw === undefined) return undefined;
  return decodePosition(raw) ?? 'invalid';
}

/** DynamoDB refuses reads of an index it is still filling (a new index on a table with data). */
export function isIndexBackfilling(err: unknown): boolean {
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  return (
    name === 'ValidationException' && typeof message === 'string' && /backfilling global secondary index/i.test(message)
  );
}

/** `?order=name`: a page of the directory, or a search in it, with the tokens of its neighbours. */
async function orderedRead(
  event: APIGatewayProxyEvent,
  limit: number,
  requestId: string | undefined,
): Promise<APIGatewayProxyResult> {
  if (process.env[DIRECTORY_ORDER_VARIABLE] === 'off')
    return respondError(503, 'The name order is being prepared; the unordered list is available', {
      code: DIRECTORY_NOT_READY,
    });
  const from = positionParam(event, 'from');
  const before = positionParam(event, 'before');
  if (from === 'invalid' || before === 'invalid')
    return respondError(
      400,
      `${from === 'invalid' ? 'from' : 'before'} is not valid: pass a cursor header of an earlier response`,
    );
  if (from && before) return respondError(400, 'Pass from or before, not both');
  if (queryParam(event, 'cursor') !== undefined)
    return respondError(400, 'cursor pages the unordered list: use from and before with order=name');
  const q = queryParam(event, 'q');
  const search = q === undefined ? undefined : parseSearch(q);
  if (typeof search === 'string') return respondError(400, `q: ${search}`);
  const position = from ?? before;
  if (position && search?.kind === 'name' && !position.fold.startsWith(search.prefix))
    return respondError(400, 'The cursor belongs to another search');
  const rank = queryParam(event, 'rank');
  if (rank !== undefined && (rank !== '1' || !from || q !== undefined))
    return respondError(400, 'rank: pass rank=1 with a from position of the whole list (not a search)');
  try {
    const estimate = await directory.countEstimate().catch((err: unknown) => {
      log('warn', 'count estimate unavailable', { requestId, reason: (err as Error).name });
      return undefined;
    });
    const headers: Record<string, string> = estimate === undefined ? {} : { [COUNT_ESTIMATE_HEADER]: String(estimate) };
    if (search?.kind === 'email') {
      const found = position ? undefined : await directory.byEmail(search.email);
      log('info', 'searched students', { requestId, by: 'email', count: found ? 1 : 0 });
      return respond(200, found ? [found] : [], headers);
    }
    const page = await (search ? wordSearch : directory).page({ limit, from, before, prefix: search?.prefix });
    log('info', 'listed directory', { requestId, count: page.students.length, search: Boolean(search) });
    if (page.next) headers[NEXT_CURSOR_HEADER] = encodePosition(page.next);
    if (page.prev) headers[PREV_CURSOR_HEADER] = encodePosition(page.prev);
    if (rank !== undefined && from) headers[RANK_HEADER] = String(await directory.countBefore(from));
    return respond(200, page.students, headers);
  } catch (err) {
    if (isIndexBackfilling(err)) {
      log('warn', 'name index still backfilling', { requestId });
      return respondError(503, 'The name index is still being built; the unordered list is available', {
        code: DIRECTORY_NOT_READY,
      });
    }
    return storeFailure(err, requestId, {
      logMessage: 'directory query failed',
      unavailable: 'The student list is temporarily unavailable; please try again',
      failed: 'The student list could not be read',
    });
  }
}

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  return withCors(event, await handle(event, context));
}

async function handle(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  logContext(context);
  const requestId = event.requestContext?.requestId;
  const limit = parseLimit(queryParam(event, 'limit'));
  if (limit === 'invalid') {
    return respondError(400, `limit must be an integer from ${LIST_LIMIT.min} to ${LIST_LIMIT.max}`);
  }
  const order = queryParam(event, 'order');
  if (order !== undefined) {
    if (order !== ORDER_BY_NAME) return respondError(400, `order must be ${ORDER_BY_NAME}`);
    return orderedRead(event, limit ?? DEFAULT_PAGE, requestId);
  }
  for (const name of ['q', 'from', 'before', 'rank'])
    if (queryParam(event, name) !== undefined) return respondError(400, `${name} needs order=${ORDER_BY_NAME}`);
  const rawCursor = queryParam(event, 'cursor');
  const startKey = rawCursor === undefined ? undefined : decodeCursor(rawCursor);
  if (rawCursor !== undefined && startKey === undefined) {
    return respondError(400, `cursor is not valid: pass the ${NEXT_CURSOR_HEADER} value of an earlier response`);
  }

  const students: Student[] = [];
  let bytes = 2;
  let exclusiveStartKey: Record<string, unknown> | undefined = startKey;
  let nextCursor: string | undefined;
  let pages = 0;
  try {
    scan: for (;;) {
      const page: ScanCommandOutput = await db.send(
        new ScanCommand({
          TableName: TABLE_NAME,
          ExclusiveStartKey: exclusiveStartKey,
          ProjectionExpression: PROJECTION,
          ExpressionAttributeNames: PROJECTION_NAMES,
          // One more than wanted tells whether anything follows the last one returned.
          ...(limit === undefined ? {} : { Limit: limit - students.length + 1 }),
        }),
      );
      pages++;
      for (const item of page.Items ?? []) {
        const student = toStudent(item);
        // Size as it stands inside the Lambda response envelope (escaped JSON string).
        const size = Buffer.byteLength(JSON.stringify(JSON.stringify(student))) - 1;
        if ((limit !== undefined && students.length >= limit) || bytes + size > maxResponseBytes) {
          const last = students[students.length - 1];
          nextCursor = last ? encodeCursor({ email: last.email }) : undefined;
          break scan;
        }
        students.push(student);
        bytes += size;
      }
      if (!page.LastEvaluatedKey) break;
      exclusiveStartKey = page.LastEvaluatedKey;
    }
  } catch (err) {
    return storeFailure(err, requestId, {
      logMessage: 'scan failed',
      unavailable: 'The student list is temporarily unavailable; please try again',
      failed: 'The student list could not be read',
    });
  }

  log('info', 'listed students', { requestId, count: students.length, pages, partial: nextCursor !== undefined });
  return respond(200, students, nextCursor ? { [NEXT_CURSOR_HEADER]: nextCursor } : {});
}
