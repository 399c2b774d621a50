/**
 * `npm run backfill`: the one migration tool. It brings every record to the form the current code
 * writes: the normalised student, keyed by the normalised email, with the name index's keys.
 * Records stored before normalisation (the Python handlers stored what was sent:
 * `GRACE@EXAMPLE.COM`, a Number age, untrimmed names) are rewritten; records from before the name
 * index, or from before a change of its fold, get its current keys; the name-words table is made
 * to match. It never loses data (backfill-record.ts): attributes it does not own are kept, every
 * write is conditional on the values it read and retried when the record changed meanwhile, two
 * records that normalise to one email are both kept and listed, a record that cannot be
 * normalised is kept and listed, and one failed record does not stop the rest. Running it again
 * changes nothing; after an interruption it resumes.
 *
 *   npm run backfill -- [--dry-run] [--yes] [--table <name>] [--endpoint <url>]
 *
 * It asks before writing unless --yes. On a terminal it shows progress every second; it ends, and
 * stops on Ctrl-C, with a summary that lists every key needing attention (escaped, as JSON
 * strings). The table defaults to the environment's (STUDENTS_ENV); credentials and region come
 * from the AWS SDK's usual sources. Exit codes: 0 done and nothing needs attention, 1 a conflict,
 * a record that cannot be normalised, or a failure (listed), 2 usage, 5 not confirmed, 130
 * interrupted.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE, tableNameFor } from '../../core/contract';
import { loadConfig } from '../../stacks/config';
import { strictArgs } from '../args';
import { settleRecord } from './backfill-record';
import { type WordsReport, WordsBackfill } from './backfill-words';
import { confirm, EXIT, progressLine, runMain, stopOnInterrupt } from './cli';
import { lockEnvironment } from './env-lock';

const KEY = STUDENTS_TABLE.partitionKey;
export const USAGE = 'usage: npm run backfill -- [--dry-run] [--yes] [--table <name>] [--endpoint <url>]';

export interface MigrationReport {
  scanned: number;
  alreadyNormal: number;
  rewritten: string[];
  /** Records already normal that only lacked the name index's keys: the keys were added. */
  indexed: string[];
  /** Old keys whose record was already stored under the new key (an interrupted run): removed. */
  resumed: string[];
  conflicts: { from: string; to: string; why: string }[];
  unfixable: { key: string; reason: string }[];
  /** Records a write failed for (after the SDK's own retries): kept as they were. */
  failures: { key: string; reason: string }[];
  /** Writes tried again because the record changed between read and write. */
  retried: number;
  /** Stopped before the end of the table (Ctrl-C). */
  interrupted: boolean;
  /** The name-words table brought to match (see backfill-words.ts). */
  words: WordsReport;
}

export interface MigrateOptions {
  readonly dryRun: boolean;
  /** Stops after the record in hand. */
  readonly signal?: AbortSignal;
  /** Called after every record. */
  readonly onRecord?: (report: MigrationReport) => void;
}

export async function migrate(
  db: DynamoDBDocumentClient,
  table: string,
  options: MigrateOptions,
): Promise<MigrationReport> {
  const report: MigrationReport = {
    scanned: 0,
    alreadyNormal: 0,
    rewritten: [],
    indexed: [],
    resumed: [],
    conflicts: [],
    unfixable: [],
    failures: [],
    retried: 0,
    interrupted: false,
    words: { added: 0, removed: 0 },
  };
  const words = await WordsBackfill.start(db, table, options.dryRun);
  scan: for await (const page of paginateScan({ client: db }, { TableName: table, ConsistentRead: true })) {
    for (const item of page.Items ?? []) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        break scan;
      }
      report.scanned++;
      const key = String(item[KEY]);
      try {
        const outcome = await settleRecord(db, table, item, options.dryRun);
        report.retried += outcome.retries;
        if (outcome.kind === 'conflict') report.conflicts.push({ from: key, to: outcome.to, why: outcome.why });
        else if (outcome.kind === 'unfixable') report.unfixable.push({ key, reason: outcome.reason });
        else if (outcome.kind !== 'gone') {
          if (outcome.kind === 'normal') report.alreadyNormal++;
          else report[outcome.kind].push(key);
          await words.student(outcome.student);
        }
      } catch (err) {
        report.failures.push({ key, reason: `${(err as Error).name}: ${(err as Error).message}` });
      }
      options.onRecord?.(report);
    }
  }
  // An interrupted run has not seen every student: removing entries nobody claimed would be wrong.
  report.words = report.interrupted ? await words.finish({ removeUnclaimed: false }) : await words.finish();
  return report;
}

/** Whether anything is left for a person to look at (the exit is non-zero). */
export function needsAttention(r: MigrationReport): boolean {
  return r.conflicts.length + r.unfixable.length + r.failures.length > 0 || r.interrupted;
}

/** A key as a JSON string: control characters and escapes in a key cannot reach the terminal. */
const shown = (key: string) => JSON.stringify(key);

export function renderReport(r: MigrationReport, dryRun: boolean): string {
  const would = (done: string, planned: string) => (dryRun ? planned : done);
  const lines = [
    `${r.interrupted ? 'INTERRUPTED after' : 'scanned'} ${r.scanned} records: ${r.alreadyNormal} already complete, ${would('rewrote', 'would rewrite')} ${r.rewritten.length}, ${would('added index keys to', 'would add index keys to')} ${r.indexed.length}, ${r.resumed.length} finished from an interrupted run, ${r.conflicts.length} conflicts, ${r.unfixable.length} not normalisable, ${r.failures.length} failed${r.retried ? ` (${r.retried} writes retried after a concurrent change)` : ''}`,
    `name-words entries: ${would('added', 'would add')} ${r.words.added}, ${would('removed', 'would remove')} ${r.words.removed}`,
  ];
  for (const c of r.conflicts)
    lines.push(`  CONFLICT (both kept): ${shown(c.from)} normalises to ${shown(c.to)}, ${c.why}`);
  for (const u of r.unfixable) lines.push(`  NOT NORMALISABLE (kept): ${shown(u.key)}: ${u.reason}`);
  for (const f of r.failures) lines.push(`  FAILED (kept as it was): ${shown(f.key)}: ${f.reason}`);
  if (r.interrupted) lines.push('  Run it again to finish: records already done are recognised and skipped.');
  else if (needsAttention(r)) lines.push('  Fix or merge the records listed, then run it again.');
  return lines.join('\n');
}

/** Counts on one line every second, on a terminal only. */
const progress = (total: number | undefined) =>
  progressLine<MigrationReport>((r) => {
    const done = total ? ` of about ${total} (${Math.min(100, Math.round((100 * r.scanned) / total))} %)` : '';
    return `${r.scanned}${done}: ${r.rewritten.length + r.indexed.length + r.resumed.length} changed, ${r.conflicts.length} conflicts, ${r.failures.length} failed`;
  });

async function main(): Promise<number> {
  const { values } = strictArgs(
    process.argv.slice(2),
    {
      'dry-run': { type: 'boolean' },
      yes: { type: 'boolean' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
    },
    USAGE,
  );
  const dryRun = values['dry-run'] === true;
  const endpoint = values.endpoint as string | undefined;
  const config = loadConfig(process.env);
  const table = (values.table as string | undefined) ?? tableNameFor(config.environment);
  // The deployed table: one run per environment, beside plan, deploy and destroy (a local endpoint is no environment's).
  if (!endpoint) lockEnvironment(config.environment, 'npm run backfill');
  const client = new DynamoDBClient({ region: config.region, ...(endpoint ? { endpoint } : {}) });
  const db = DynamoDBDocumentClient.from(client, { unmarshallOptions: { wrapNumbers: true } });
  let interrupt: ReturnType<typeof stopOnInterrupt> | undefined;
  try {
    // DynamoDB's own estimate (refreshed about every six hours); 0 or missing means unknown.
    const total = (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.ItemCount || undefined;
    const where = `table ${table}${endpoint ? ` at ${endpoint}` : ` (environment "${config.environment}", ${config.region})`}`;
    if (
      !dryRun &&
      !(await confirm(`Backfill ${where}${total ? `, about ${total} records` : ''}?`, {
        autoApprove: values.yes === true,
      }))
    ) {
      console.error(
        'Not confirmed: nothing was changed. (--dry-run shows what it would do; --yes skips this question.)',
      );
      return EXIT.notConfirmed;
    }
    interrupt = stopOnInterrupt('record');
    const bar = progress(total);
    const report = await migrate(db, table, { dryRun, signal: interrupt.signal, onRecord: bar.update }).finally(
      bar.stop,
    );
    console.log(renderReport(report, dryRun));
    return report.interrupted ? EXIT.interrupted : needsAttention(report) ? EXIT.failed : EXIT.ok;
  } catch (err) {
    console.error(`backfill: ${(err as Error).name}: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    interrupt?.release();
    client.destroy();
  }
}

if (require.main === module) runMain(main);
