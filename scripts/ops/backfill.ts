/**
 * `npm run backfill`: brings every record to the form the current code writes: the normalised
 * student, keyed by the normalised email, with the name index's keys. Records stored before
 * normalisation (the Python handlers stored what was sent: `GRACE@EXAMPLE.COM`, a Number age,
 * untrimmed names) are rewritten; records from before the name index, or from before a change of
 * its fold, get its current keys, so they appear in the ordered list where they belong.
 * Attributes it does not own are kept. It never loses a record:
 * - two records that normalise to one email are a conflict: both are kept as they are, and listed;
 * - a record that cannot be normalised (invalid data) is kept and listed;
 * - a rewrite writes the new record first (only if its key is free), then deletes the old one.
 * Running it again changes nothing (idempotent); after an interruption it resumes, since a
 * record already written under its new key is recognised as the same student.
 *
 *   npm run backfill -- [--dry-run] [--table <name>] [--endpoint <url>]
 *
 * The table defaults to the environment's (STUDENTS_ENV); credentials and region come from the
 * AWS SDK's usual sources. Exit codes: 0 done, 1 a store error, 2 usage.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, paginateScan } from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE, tableNameFor } from '../../core/contract';
import { directoryAttributes } from '../../core/directory';
import { sameStudent, type Student, validateStudent } from '../../core/student';
import { loadConfig } from '../../stacks/config';
import { lockEnvironment } from './env-lock';
import { EXIT, runMain } from './cli';
import { strictArgs } from '../args';
import { type WordsReport, WordsBackfill } from './backfill-words';

const KEY = STUDENTS_TABLE.partitionKey;
export const USAGE = 'usage: npm run backfill -- [--dry-run] [--table <name>] [--endpoint <url>]';

export interface MigrationReport {
  scanned: number;
  alreadyNormal: number;
  rewritten: string[];
  /** Records already normal that only lacked the name index's keys: the keys were added. */
  indexed: string[];
  /** Old keys whose record was already stored under the new key (an interrupted run): removed. */
  resumed: string[];
  conflicts: { from: string; to: string }[];
  unfixable: { key: string; reason: string }[];
  /** The name-words table brought to match (see backfill-words.ts). */
  words: WordsReport;
}

function asInput(item: Record<string, unknown>): Record<string, unknown> {
  // Numbers (NumberValue) and sets print as text; the model decides what is valid.
  return Object.fromEntries(
    Object.entries(item).map(([k, v]) => [k, typeof v === 'object' && v !== null ? String(v) : v]),
  );
}

export async function migrate(
  db: DynamoDBDocumentClient,
  table: string,
  options: { dryRun: boolean },
): Promise<MigrationReport> {
  const report: MigrationReport = {
    scanned: 0,
    alreadyNormal: 0,
    rewritten: [],
    indexed: [],
    resumed: [],
    conflicts: [],
    unfixable: [],
    words: { added: 0, removed: 0 },
  };
  const words = await WordsBackfill.start(db, table, options.dryRun);
  for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      report.scanned++;
      const key = String(item[KEY]);
      const checked = validateStudent(asInput(item));
      if (!checked.ok) {
        report.unfixable.push({ key, reason: checked.message });
        continue;
      }
      const student: Student = checked.student;
      // Attributes the model does not own (added by other tools) are kept as they are.
      const stored: Record<string, unknown> = { ...item, ...student, ...directoryAttributes(student) };
      const fieldsNormal = student.email === key && sameStudent(student, item as Student);
      if (fieldsNormal && sameRecord(item, stored)) {
        report.alreadyNormal++;
        await words.student(student);
        continue;
      }
      if (student.email !== key) {
        const there = (
          await db.send(new GetCommand({ TableName: table, Key: { [KEY]: student.email }, ConsistentRead: true }))
        ).Item;
        if (there) {
          const other = validateStudent(asInput(there));
          if (other.ok && sameStudent(other.student, student)) {
            if (!options.dryRun) await db.send(new DeleteCommand({ TableName: table, Key: { [KEY]: key } }));
            report.resumed.push(key);
            // Its record under the new key is (or will be) seen by the scan too: claimed there.
          } else {
            report.conflicts.push({ from: key, to: student.email });
          }
          continue;
        }
      }
      if (!options.dryRun) {
        await db.send(
          new PutCommand({
            TableName: table,
            Item: stored,
            // The old record itself (same key) may be replaced by its normal form; another may not.
            ...(student.email === key
              ? {}
              : { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': KEY } }),
          }),
        );
        if (student.email !== key) await db.send(new DeleteCommand({ TableName: table, Key: { [KEY]: key } }));
      }
      (fieldsNormal ? report.indexed : report.rewritten).push(key);
      await words.student(student);
    }
  }
  report.words = await words.finish();
  return report;
}

/** Whether a stored item is exactly this record: the same attributes with the same values. */
function sameRecord(item: Record<string, unknown>, record: Record<string, unknown>): boolean {
  const keys = Object.keys(item);
  return keys.length === Object.keys(record).length && keys.every((k) => item[k] === record[k]);
}

export function renderReport(r: MigrationReport, dryRun: boolean): string {
  const verb = dryRun ? 'would rewrite' : 'rewrote';
  const index = dryRun ? 'would add index keys to' : 'added index keys to';
  const lines = [
    `scanned ${r.scanned}: ${r.alreadyNormal} already complete, ${verb} ${r.rewritten.length}, ${index} ${r.indexed.length}, ${r.resumed.length} finished from an interrupted run, ${r.conflicts.length} conflicts, ${r.unfixable.length} not normalisable`,
    `name-words entries: ${dryRun ? 'would add' : 'added'} ${r.words.added}, ${dryRun ? 'would remove' : 'removed'} ${r.words.removed}`,
  ];
  for (const k of r.rewritten) lines.push(`  ${verb}: ${k}`);
  for (const k of r.indexed) lines.push(`  ${index}: ${k}`);
  for (const c of r.conflicts)
    lines.push(`  CONFLICT (both kept): ${c.from} normalises to ${c.to}, which holds other details`);
  for (const u of r.unfixable) lines.push(`  NOT NORMALISABLE (kept): ${u.key}: ${u.reason}`);
  return lines.join('\n');
}

async function main(): Promise<number> {
  const { values } = strictArgs(
    process.argv.slice(2),
    { 'dry-run': { type: 'boolean' }, table: { type: 'string' }, endpoint: { type: 'string' } },
    USAGE,
  );
  const dryRun = values['dry-run'] === true;
  const table = values.table as string | undefined;
  const endpoint = values.endpoint as string | undefined;
  const config = loadConfig(process.env);
  // The deployed table: one run per environment, beside plan, deploy and destroy (a local endpoint is no environment's).
  if (!endpoint) lockEnvironment(config.environment, 'npm run backfill');
  const client = new DynamoDBClient({ region: config.region, ...(endpoint ? { endpoint } : {}) });
  const db = DynamoDBDocumentClient.from(client, { unmarshallOptions: { wrapNumbers: true } });
  try {
    const report = await migrate(db, table ?? tableNameFor(config.environment), { dryRun });
    console.log(renderReport(report, dryRun));
    return EXIT.ok;
  } catch (err) {
    console.error(`backfill: ${(err as Error).name}: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    client.destroy();
  }
}

if (require.main === module) runMain(main);
