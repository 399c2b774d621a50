/**
 * The backfill of one record, written so that nothing is lost: every write is conditional on the
 * values the backfill read, so a change made between its read and its write is never overwritten;
 * on such a conflict it reads the record again and retries. A record normalised in place is
 * updated attribute by attribute (attributes it does not own, even ones added meanwhile, stay); a
 * record whose key changes is written under the new key only if that key is free, and the old
 * record is deleted only if it is still exactly what was read.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE } from '../../core/contract';
import { directoryAttributes } from '../../core/directory';
import { sameStudent, type Student, validateStored } from '../../core/student';

const KEY = STUDENTS_TABLE.partitionKey;
/** Reads and writes of one record before a conflict is reported instead of retried. */
export const ATTEMPTS = 5;

type Item = Record<string, unknown>;

type Settled =
  | { kind: 'normal' | 'rewritten' | 'indexed' | 'resumed'; student: Student }
  | { kind: 'conflict'; to: string; why: string }
  | { kind: 'unfixable'; reason: string }
  | { kind: 'gone' };
/** How one record ended, and how many times it was read again because it changed meanwhile. */
export type Outcome = Settled & { retries: number };

/** A condition that holds only while the stored record still has exactly the read values. */
function unchanged(item: Item, prefix = 'r') {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const terms = Object.entries(item).map(([k, v], i) => {
    names[`#${prefix}${i}`] = k;
    values[`:${prefix}${i}`] = v;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { expression: terms.join(' AND '), names, values };
}

/** A value as comparable text: sets in order, wrapped numbers by their digits, the rest as JSON. */
function canonical(v: unknown): string {
  if (v instanceof Set) return `set:${JSON.stringify([...v].map(canonical).sort())}`;
  if (v instanceof Uint8Array) return `bin:${Buffer.from(v).toString('base64')}`;
  if (v !== null && typeof v === 'object' && v.constructor?.name === 'NumberValue') return `num:${String(v)}`;
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Item)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}
const same = (a: unknown, b: unknown) => canonical(a) === canonical(b);

/** Whether a stored item is exactly this record: the same attributes with the same values. */
function sameRecord(item: Item, record: Item): boolean {
  const keys = Object.keys(item);
  return keys.length === Object.keys(record).length && keys.every((k) => same(item[k], record[k]));
}

async function read(db: DynamoDBDocumentClient, table: string, key: string): Promise<Item | undefined> {
  return (await db.send(new GetCommand({ TableName: table, Key: { [KEY]: key }, ConsistentRead: true }))).Item;
}

/** Runs a conditional write; false when the condition failed (the record changed meanwhile). */
async function ifUnchanged(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException')
      return false;
    throw err;
  }
}

/** One attempt over the record as read; undefined means it changed meanwhile: read it again. */
async function attempt(
  db: DynamoDBDocumentClient,
  table: string,
  item: Item,
  dryRun: boolean,
  ours: { written?: Item },
): Promise<Settled | undefined> {
  const key = String(item[KEY]);
  const checked = validateStored(item);
  if (!checked.ok) return { kind: 'unfixable', reason: checked.message };
  const student = checked.student;
  const stored: Item = { ...item, ...student, ...directoryAttributes(student) };
  const fieldsNormal = student.email === key && sameStudent(student, item as Student);
  if (fieldsNormal && sameRecord(item, stored)) return { kind: 'normal', student };
  const was = unchanged(item);
  const deleteOld = () =>
    db.send(
      new DeleteCommand({
        TableName: table,
        Key: { [KEY]: key },
        ConditionExpression: was.expression,
        ExpressionAttributeNames: was.names,
        ExpressionAttributeValues: was.values,
      }),
    );
  if (student.email === key) {
    if (dryRun) return { kind: fieldsNormal ? 'indexed' : 'rewritten', student };
    const changed = Object.keys(stored).filter((k) => k !== KEY && !same(stored[k], item[k]));
    const set = changed.map((_, i) => `#s${i} = :s${i}`).join(', ');
    const ok = await ifUnchanged(() =>
      db.send(
        new UpdateCommand({
          TableName: table,
          Key: { [KEY]: key },
          UpdateExpression: `SET ${set}`,
          ConditionExpression: was.expression,
          ExpressionAttributeNames: { ...was.names, ...Object.fromEntries(changed.map((k, i) => [`#s${i}`, k])) },
          ExpressionAttributeValues: {
            ...was.values,
            ...Object.fromEntries(changed.map((k, i) => [`:s${i}`, stored[k]])),
          },
        }),
      ),
    );
    return ok ? { kind: fieldsNormal ? 'indexed' : 'rewritten', student } : undefined;
  }
  const record = { ...stored, [KEY]: student.email };
  const there = await read(db, table, student.email);
  // What this run wrote under the new key from an earlier read may be replaced by the fresh form.
  const mine = there !== undefined && ours.written !== undefined && sameRecord(there, ours.written);
  if (there && !mine) {
    // Resumed only when the new record is exactly what this one becomes; anything else is kept.
    if (!sameRecord(there, record)) return { kind: 'conflict', to: student.email, why: 'which holds other details' };
    // An interrupted run wrote the new record: only the old one is left to remove.
    if (dryRun || (await ifUnchanged(deleteOld))) return { kind: 'resumed', student };
    return undefined;
  }
  if (dryRun) return { kind: 'rewritten', student };
  const free = mine && ours.written ? unchanged(ours.written, 'w') : undefined;
  const written = await ifUnchanged(() =>
    db.send(
      new PutCommand({
        TableName: table,
        Item: record,
        ...(free
          ? {
              ConditionExpression: free.expression,
              ExpressionAttributeNames: free.names,
              ExpressionAttributeValues: free.values,
            }
          : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY } }),
      }),
    ),
  );
  if (!written) return undefined;
  ours.written = record;
  // If the old record changed after it was read, both are kept; the next attempt reads it again.
  return (await ifUnchanged(deleteOld)) ? { kind: 'rewritten', student } : undefined;
}

/** Settles one record: normalised, indexed, resumed, or reported; retried while it changes under us. */
export async function settleRecord(
  db: DynamoDBDocumentClient,
  table: string,
  scanned: Item,
  dryRun: boolean,
): Promise<Outcome> {
  let item: Item | undefined = scanned;
  const ours: { written?: Item } = {};
  for (let retries = 0; retries < ATTEMPTS; retries++) {
    if (!item) {
      // Deleted meanwhile (an erasure, say): the copy this run wrote must not bring it back.
      const copy = ours.written;
      if (copy) {
        const was = unchanged(copy);
        await ifUnchanged(() =>
          db.send(
            new DeleteCommand({
              TableName: table,
              Key: { [KEY]: copy[KEY] },
              ConditionExpression: was.expression,
              ExpressionAttributeNames: was.names,
              ExpressionAttributeValues: was.values,
            }),
          ),
        );
      }
      return { kind: 'gone', retries };
    }
    const done = await attempt(db, table, item, dryRun, ours);
    if (done) return { ...done, retries };
    item = await read(db, table, String(scanned[KEY]));
  }
  return {
    kind: 'conflict',
    to: String(scanned[KEY]),
    why: `which changed under the backfill ${ATTEMPTS} times`,
    retries: ATTEMPTS,
  };
}
