/**
 * What `npm run restore` does with tables: waits for a restored table, compares it with the live
 * one (exact item counts, and a random sample of items read from both), and copies back the rows
 * the live table lacks. Each copy is conditional on the row still being absent, so a row written
 * since (newer, or the same) is never overwritten; the copied rows' name-words entries are
 * written too, so search finds them.
 */
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { isDeepStrictEqual } from 'node:util';
import { STUDENTS_TABLE } from '../../core/contract';
import { validateStored } from '../../core/student';
import { type WordsReport, WordsBackfill } from './backfill-words';

const KEY = STUDENTS_TABLE.partitionKey;
type Item = Record<string, unknown>;

/** A key as a JSON string: control characters and escapes in a key cannot reach the terminal. */
export const shownKey = (key: unknown) => JSON.stringify(String(key));

export async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

/** Waits until the table is ACTIVE (a restore creates it some time after it starts). */
export async function waitForTable(client: DynamoDBClient, name: string, maxMinutes: number): Promise<void> {
  const result = await waitUntilTableExists(
    { client, maxWaitTime: maxMinutes * 60, minDelay: 5, maxDelay: 60 },
    { TableName: name },
  );
  if (result.state !== 'SUCCESS')
    throw new Error(
      `${name} was not ACTIVE after ${maxMinutes} minutes (${result.state}); wait longer with --from ${name}`,
    );
}

export interface Comparison {
  readonly restored: number;
  readonly live: number;
  /** Restored items read again from the live table, chosen at random. */
  readonly sampled: number;
  readonly identical: number;
  /** Keys whose live item differs (changed since the restore point). */
  readonly differ: string[];
  /** Keys the live table lacks: what a copy-back brings back. */
  readonly missing: string[];
}

async function countItems(db: DynamoDBDocumentClient, table: string): Promise<number> {
  let count = 0;
  for await (const page of paginateScan({ client: db }, { TableName: table, Select: 'COUNT', ConsistentRead: true }))
    count += page.Count ?? 0;
  return count;
}

/** Counts both tables exactly and reads `sampleSize` random restored items from the live one. */
export async function compareTables(
  db: DynamoDBDocumentClient,
  restored: string,
  live: string,
  sampleSize: number,
  random: () => number = Math.random,
): Promise<Comparison> {
  // One pass keeps a uniform sample of any size of table (reservoir sampling).
  const sample: Item[] = [];
  let seen = 0;
  for await (const page of paginateScan({ client: db }, { TableName: restored, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      seen++;
      if (sample.length < sampleSize) sample.push(item);
      else {
        const slot = Math.floor(random() * seen);
        if (slot < sampleSize) sample[slot] = item;
      }
    }
  }
  const differ: string[] = [];
  const missing: string[] = [];
  for (const item of sample) {
    const key = String(item[KEY]);
    const { Item: now } = await db.send(new GetCommand({ TableName: live, Key: { [KEY]: key }, ConsistentRead: true }));
    if (!now) missing.push(key);
    else if (!isDeepStrictEqual(now, item)) differ.push(key);
  }
  return {
    restored: seen,
    live: await countItems(db, live),
    sampled: sample.length,
    identical: sample.length - differ.length - missing.length,
    differ,
    missing,
  };
}

export function renderComparison(c: Comparison, restored: string, live: string): string {
  const lines = [
    `restored ${restored}: ${c.restored} items`,
    `live     ${live}: ${c.live} items`,
    `a random sample of ${c.sampled} restored items, read from the live table: ${c.identical} identical, ${c.differ.length} changed since, ${c.missing.length} missing`,
  ];
  for (const key of c.missing.slice(0, 10)) lines.push(`  missing from live: ${shownKey(key)}`);
  for (const key of c.differ.slice(0, 10)) lines.push(`  changed since:     ${shownKey(key)}`);
  return lines.join('\n');
}

export interface CopyReport {
  scanned: number;
  /** Written to the live table (or, in a dry run, that would be). */
  copied: number;
  /** Already in the live table, newer or the same: left alone. */
  present: number;
  /** Copied, but stored in a form older than the current code's: search finds it after `npm run backfill`. */
  unsearchable: string[];
  failures: { key: string; reason: string }[];
  words: WordsReport;
  interrupted: boolean;
}

export interface CopyOptions {
  readonly dryRun: boolean;
  /** Stops after the row in hand. */
  readonly signal?: AbortSignal;
  /** Called after every row. */
  readonly onRow?: (report: CopyReport) => void;
}

/** Copies each row of `from` that `to` lacks into `to`, every write conditional on its absence. */
export async function copyBack(
  db: DynamoDBDocumentClient,
  from: string,
  to: string,
  options: CopyOptions,
): Promise<CopyReport> {
  const report: CopyReport = {
    scanned: 0,
    copied: 0,
    present: 0,
    unsearchable: [],
    failures: [],
    words: { added: 0, removed: 0 },
    interrupted: false,
  };
  const words = await WordsBackfill.start(db, to, options.dryRun);
  rows: for await (const page of paginateScan({ client: db }, { TableName: from, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        break rows;
      }
      report.scanned++;
      const key = String(item[KEY]);
      try {
        if (await copyRow(db, to, item, options.dryRun)) {
          report.copied++;
          const stored = validateStored(item);
          if (stored.ok) await words.student(stored.student);
          else report.unsearchable.push(key);
        } else report.present++;
      } catch (err) {
        report.failures.push({ key, reason: `${(err as Error).name}: ${(err as Error).message}` });
      }
      options.onRow?.(report);
    }
  }
  // Entries nobody claimed may belong to live rows this run never looked at: none is removed.
  report.words = await words.finish({ removeUnclaimed: false });
  return report;
}

/** Whether the row was (or, in a dry run, would be) copied: false when the live table has it. */
async function copyRow(db: DynamoDBDocumentClient, table: string, item: Item, dryRun: boolean): Promise<boolean> {
  if (dryRun) {
    const key = { [KEY]: item[KEY] };
    const { Item: now } = await db.send(
      new GetCommand({
        TableName: table,
        Key: key,
        ConsistentRead: true,
        ProjectionExpression: '#k',
        ExpressionAttributeNames: { '#k': KEY },
      }),
    );
    return !now;
  }
  try {
    await db.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#k)',
        ExpressionAttributeNames: { '#k': KEY },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export function renderCopy(r: CopyReport, dryRun: boolean, live: string): string {
  const would = (done: string, planned: string) => (dryRun ? planned : done);
  const lines = [
    `${r.interrupted ? 'INTERRUPTED after' : 'read'} ${r.scanned} restored rows: ${would('copied', 'would copy')} ${r.copied} into ${live}, ${r.present} already there (kept as they are), ${r.failures.length} failed`,
    `name-words entries: ${would('added', 'would add')} ${r.words.added}`,
  ];
  for (const f of r.failures) lines.push(`  FAILED (not copied): ${shownKey(f.key)}: ${f.reason}`);
  if (r.unsearchable.length > 0)
    lines.push(
      `  ${r.unsearchable.length} ${would('copied', 'to copy')} in an older stored form (${r.unsearchable.slice(0, 5).map(shownKey).join(', ')}${r.unsearchable.length > 5 ? ', …' : ''}): npm run backfill -- --yes makes them searchable`,
    );
  if (r.interrupted) lines.push('  Run it again to finish: rows already copied are found present and left alone.');
  else if (r.failures.length > 0) lines.push('  Run it again to retry the failed rows: the others are found present.');
  return lines.join('\n');
}
