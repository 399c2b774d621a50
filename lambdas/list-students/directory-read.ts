/**
 * Ordered reads of the directory: a page of students in name order from a position, or the page
 * before one, optionally within a name prefix. Each page is one or two Queries on the name index
 * that read the page (plus the students who share the position's name), whatever the table's size.
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE } from '../shared/contract';
import { emailDigest, NAME_INDEX, type Position, positionOf, SORT_BOUNDS } from '../shared/directory';
import { STUDENT_FIELDS, type Student } from '../shared/student';

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
const FIELDS = [...STUDENT_FIELDS, NAME_INDEX.sortKey];
const PROJECTION = FIELDS.map((f) => `#${f}`).join(', ');
const NAMES = Object.fromEntries(FIELDS.map((f) => [`#${f}`, f]));
const SK = `#${NAME_INDEX.sortKey}`;

export class Directory {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly toStudent: (item: Item) => Student,
  ) {}
  private estimate?: { count: number; at: number };

  /** One page in name order (forwards from `from`, or backwards from `before`). */
  async page(read: DirectoryRead): Promise<DirectoryPage> {
    const items: Item[] = [];
    const forward = read.before === undefined;
    for await (const item of forward ? this.forward(read) : this.backward(read)) {
      items.push(item);
      if (items.length > read.limit) break;
    }
    const more = items.length > read.limit;
    const shown = items.slice(0, read.limit);
    if (!forward) shown.reverse();
    const students = shown.map(this.toStudent);
    const first = students[0];
    const beyond = more ? this.toStudent(items[read.limit] as Item) : undefined;
    if (forward) {
      return {
        students,
        ...(beyond ? { next: positionOf(beyond) } : {}),
        ...(read.from && first ? { prev: positionOf(first) } : {}),
      };
    }
    return {
      students,
      ...(read.before ? { next: read.before } : {}),
      ...(more && first ? { prev: positionOf(first) } : {}),
    };
  }

  /** The student registered under this email (already canonical), if any. */
  async byEmail(email: string): Promise<Student | undefined> {
    const found = await this.db.send(
      new GetCommand({
        TableName: this.table,
        Key: { [STUDENTS_TABLE.partitionKey]: email },
        ProjectionExpression: PROJECTION,
        ExpressionAttributeNames: NAMES,
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

  private async *forward(read: DirectoryRead): AsyncGenerator<Item> {
    const n = read.limit + 1;
    const within = (item: Item) => !read.prefix || String(item[NAME_INDEX.sortKey]).startsWith(read.prefix);
    if (read.from) {
      // The position's own name first: its students from the position's email on.
      let reached = false;
      for await (const item of this.query('begins_with', SORT_BOUNDS.foldPrefix(read.from.fold), true, n)) {
        reached ||= emailDigest(String(item.email)) === read.from.digest;
        if (reached) yield item;
      }
      for await (const item of this.query('>', SORT_BOUNDS.afterFold(read.from.fold), true, n)) {
        if (!within(item)) return;
        yield item;
      }
      return;
    }
    for await (const item of this.query('begins_with', read.prefix, true, n)) yield item;
  }

  private async *backward(read: DirectoryRead): AsyncGenerator<Item> {
    const before = read.before as Position;
    const n = read.limit + 1;
    const within = (item: Item) => !read.prefix || String(item[NAME_INDEX.sortKey]).startsWith(read.prefix);
    const sameName: Item[] = [];
    for await (const item of this.query('begins_with', SORT_BOUNDS.foldPrefix(before.fold), true, n)) {
      if (emailDigest(String(item.email)) === before.digest) break;
      sameName.push(item);
    }
    yield* sameName.reverse();
    for await (const item of this.query('<', SORT_BOUNDS.foldPrefix(before.fold), false, n)) {
      if (!within(item)) return;
      yield item;
    }
  }

  /** The index's items in key order, page by page; `bound` undefined reads them all. */
  private async *query(
    op: 'begins_with' | '>' | '<',
    bound: string | undefined,
    ascending: boolean,
    pageSize: number,
  ): AsyncGenerator<Item> {
    const sortCondition =
      bound === undefined ? '' : op === 'begins_with' ? ` AND begins_with(${SK}, :bound)` : ` AND ${SK} ${op} :bound`;
    let start: Item | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: NAME_INDEX.name,
          KeyConditionExpression: `#pk = :pk${sortCondition}`,
          ExpressionAttributeNames: { ...NAMES, '#pk': NAME_INDEX.partitionKey },
          ExpressionAttributeValues: {
            ':pk': NAME_INDEX.partitionValue,
            ...(bound === undefined ? {} : { ':bound': bound }),
          },
          ProjectionExpression: PROJECTION,
          ScanIndexForward: ascending,
          ExclusiveStartKey: start,
          // A caller stops after limit + 1 students; the same name's students are read in pages of that size too.
          Limit: pageSize,
        }),
      );
      for (const item of page.Items ?? []) yield item;
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
