/**
 * Ordered reads of the directory: a page of students in name order from a position, or the page
 * before one, optionally within a name prefix. Each page is one Query of at most a page and one
 * more entry, whatever the table's size or how many students share a name: on the name index for
 * the whole list, on the name-words table for a search by the start of any word of a name.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE } from '../../core/contract';
import { NAME_INDEX, type Position, positionAt } from '../../core/directory';
import { NAME_WORDS, wordsTableOf } from '../../core/name-words';
import { STUDENT_FIELDS, type Student } from '../../core/student';

export interface DirectoryPage {
  readonly students: Student[];
  /** Position of the first student of the next page. */
  readonly next?: Position;
  /** Position before which the previous page ends (this page's first student). */
  readonly prev?: Position;
}

export interface DirectoryRead {
  readonly limit: number;
  /** Students from this position on (inclusive). */
  readonly from?: Position;
  /** Students before this position (exclusive), read backwards. */
  readonly before?: Position;
  /** Only names whose folded form begins with it. */
  readonly prefix?: string;
}

type Item = Record<string, unknown>;

/** Where ordered entries are read: the name index of the table, or the name-words table. */
export type OrderSource = 'names' | 'words';

export class Directory {
  private readonly sortKey: string;
  private readonly projection: string;
  private readonly names: Record<string, string>;
  /** The table (or index) a page is read from. */
  private readonly target: { TableName: string; IndexName?: string };

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly toStudent: (item: Item) => Student,
    source: OrderSource = 'names',
  ) {
    this.sortKey = source === 'names' ? NAME_INDEX.sortKey : NAME_WORDS.sortKey;
    const fields = [...STUDENT_FIELDS, this.sortKey];
    this.projection = fields.map((f) => `#${f}`).join(', ');
    this.names = Object.fromEntries(fields.map((f) => [`#${f}`, f]));
    this.target =
      source === 'names' ? { TableName: table, IndexName: NAME_INDEX.name } : { TableName: wordsTableOf(table) };
  }
  private estimate?: { count: number; at: number };

  /**
   * One page in name order, forwards from `from` or backwards from `before`: one Query of at most
   * limit + 1 index entries, since a position is the exact sort key a page starts at.
   */
  async page(read: DirectoryRead): Promise<DirectoryPage> {
    const forward = read.before === undefined;
    const start = read.from ?? read.before;
    const bound = start ? start.key : read.prefix;
    const op = !start ? 'begins_with' : forward ? '>=' : '<';
    const keyOf = (item: Item) => String(item[this.sortKey]);
    const within = (item: Item) => !read.prefix || keyOf(item).startsWith(read.prefix);
    const items: Item[] = [];
    for (const item of await this.query(op, bound, forward, read.limit + 1)) {
      if (!within(item)) break;
      items.push(item);
    }
    const more = items.length > read.limit;
    const shown = items.slice(0, read.limit);
    if (!forward) shown.reverse();
    const first = shown[0];
    const at = (item: Item | undefined) => (item ? positionAt(keyOf(item)) : undefined);
    const beyond = more ? at(items[read.limit]) : undefined;
    // A name with two words that match ("Ann Annabel" for "ann") has two entries: shown once.
    const emails = new Set<unknown>();
    const students = shown.filter((i) => !emails.has(i.email) && emails.add(i.email)).map(this.toStudent);
    if (forward) {
      const prev = read.from ? at(first) : undefined;
      return { students, ...(beyond ? { next: beyond } : {}), ...(prev ? { prev } : {}) };
    }
    const prev = more ? at(first) : undefined;
    return { students, ...(read.before ? { next: read.before } : {}), ...(prev ? { prev } : {}) };
  }

  /**
   * How many students come before a position: a counting Query of the index, which reads (and is
   * billed for) every entry before it, in 1 MB steps (some 7,000 entries each). Asked only for
   * "your place in the list", once per signup.
   */
  async countBefore(position: Position): Promise<number> {
    let count = 0;
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          ...this.target,
          KeyConditionExpression: '#pk = :pk AND #sk < :bound',
          ExpressionAttributeNames: { '#pk': NAME_INDEX.partitionKey, '#sk': this.sortKey },
          ExpressionAttributeValues: { ':pk': NAME_INDEX.partitionValue, ':bound': position.key },
          Select: 'COUNT',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  }

  /** The student registered under this email (already canonical), if any. */
  async byEmail(email: string): Promise<Student | undefined> {
    const found = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { [STUDENTS_TABLE.partitionKey]: email },
        ProjectionExpression: STUDENT_FIELDS.map((f) => `#${f}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(STUDENT_FIELDS.map((f) => [`#${f}`, f])),
      }),
    );
    return found.Item ? this.toStudent(found.Item) : undefined;
  }

  /**
   * DynamoDB's own item count (refreshed by the service about every six hours), cached for five
   * minutes per container; undefined when it is not known (a new table, or a local store).
   */
  async countEstimate(now = Date.now()): Promise<number | undefined> {
    if (!this.estimate || now - this.estimate.at > 300_000) {
      const described = await this.db.send(new DescribeTableCommand({ TableName: this.table }));
      this.estimate = { count: described.Table?.ItemCount ?? 0, at: now };
    }
    return this.estimate.count > 0 ? this.estimate.count : undefined;
  }

  /** One Query in key order, of at most `limit` entries. */
  private async query(
    op: 'begins_with' | '>=' | '<',
    bound: string | undefined,
    ascending: boolean,
    limit: number,
  ): Promise<Item[]> {
    const sk = `#${this.sortKey}`;
    const sortCondition =
      bound === undefined ? '' : op === 'begins_with' ? ` AND begins_with(${sk}, :bound)` : ` AND ${sk} ${op} :bound`;
    const page = await this.db.send(
      new QueryCommand({
        ...this.target,
        KeyConditionExpression: `#pk = :pk${sortCondition}`,
        ExpressionAttributeNames: { ...this.names, '#pk': NAME_INDEX.partitionKey },
        ExpressionAttributeValues: {
          ':pk': NAME_INDEX.partitionValue,
          ...(bound === undefined ? {} : { ':bound': bound }),
        },
        ProjectionExpression: this.projection,
        ScanIndexForward: ascending,
        Limit: limit,
      }),
    );
    return page.Items ?? [];
  }
}
