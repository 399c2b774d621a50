/**
 * The backfill's second half: the name-words table made to match the Students table. Every
 * student in the name order gets the entries its name calls for now (a new table, or a new fold,
 * leaves some missing); entries no student calls for (an earlier fold's, or a student's no longer
 * stored) are removed. Entries written while it runs are never touched: only entries that were
 * there when it started can be removed.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { NAME_WORDS, wordEntriesOf, wordsTableOf } from '../../core/name-words';
import type { Student } from '../../core/student';

export interface WordsReport {
  /** Entries written because the student's name called for them and they were missing. */
  added: number;
  /** Entries removed because no student calls for them. */
  removed: number;
}

/**
 * One BatchWrite of up to 25 requests; what DynamoDB leaves unprocessed is sent again, up to five
 * attempts in all, then it fails. The ops tools' writes of name-words entries go through it.
 */
export async function batchWriteAll(
  db: DynamoDBDocumentClient,
  table: string,
  requests: readonly Record<string, unknown>[],
): Promise<void> {
  let left = [...requests];
  for (let attempt = 0; left.length > 0; attempt++) {
    if (attempt === 5) throw new Error(`${left.length} name-words writes left unprocessed`);
    const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: left as never } }));
    left = (out.UnprocessedItems?.[table] ?? []) as Record<string, unknown>[];
  }
}

export class WordsBackfill {
  private readonly table: string;
  /** Entries there at the start, by sort key; what a student calls for is taken out as it is seen. */
  private readonly unclaimed = new Set<string>();
  private readonly written = new Set<string>();
  private readonly pending: Record<string, unknown>[] = [];
  readonly report: WordsReport = { added: 0, removed: 0 };

  private constructor(
    private readonly db: DynamoDBDocumentClient,
    studentsTable: string,
    private readonly dryRun: boolean,
  ) {
    this.table = wordsTableOf(studentsTable);
  }

  /** Reads the entries the table holds now. */
  static async start(db: DynamoDBDocumentClient, studentsTable: string, dryRun: boolean): Promise<WordsBackfill> {
    const run = new WordsBackfill(db, studentsTable, dryRun);
    const scan = {
      TableName: run.table,
      ProjectionExpression: '#sk',
      ExpressionAttributeNames: { '#sk': NAME_WORDS.sortKey },
    };
    for await (const page of paginateScan({ client: db }, scan))
      for (const item of page.Items ?? []) run.unclaimed.add(String(item[NAME_WORDS.sortKey]));
    return run;
  }

  /** A student stored in its normal form: its entries are claimed, and the missing ones written. */
  async student(student: Student): Promise<void> {
    for (const entry of wordEntriesOf(student)) {
      const key = entry[NAME_WORDS.sortKey] as string;
      // Claimed, or already written by this run (a rewritten record is met again under its new key).
      if (this.unclaimed.delete(key) || this.written.has(key)) continue;
      this.written.add(key);
      this.report.added++;
      this.pending.push({ PutRequest: { Item: entry } });
      if (this.pending.length === 25) await this.flush();
    }
  }

  /** Writes what is pending, then removes the entries no student claimed (unless told not to). */
  async finish(options: { removeUnclaimed: boolean } = { removeUnclaimed: true }): Promise<WordsReport> {
    for (const key of options.removeUnclaimed ? this.unclaimed : []) {
      this.report.removed++;
      this.pending.push({
        DeleteRequest: { Key: { [NAME_WORDS.partitionKey]: NAME_WORDS.partitionValue, [NAME_WORDS.sortKey]: key } },
      });
      if (this.pending.length === 25) await this.flush();
    }
    await this.flush();
    return this.report;
  }

  private async flush(): Promise<void> {
    const left = this.pending.splice(0);
    if (!this.dryRun) await batchWriteAll(this.db, this.table, left);
  }
}
