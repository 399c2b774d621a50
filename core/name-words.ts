/**
 * The name-words table: one entry for each word a student's name has, keyed by the name folded
 * from that word on, so that a search for the start of any word ("Garcia", "José") is one Query,
 * as a search for the start of the whole name is. The table holds copies of the four fields (a
 * page is read from it alone) and nothing that is not in the Students table: it is derived, and
 * `npm run backfill` rebuilds it.
 */
import { NAME_INDEX, foldName, orderKey } from './directory';
import type { Student } from './student';

export const NAME_WORDS = {
  /** Appended to the Students table's name: `students-dev-Students-name-words`. */
  tableSuffix: '-name-words',
  /** One partition for every entry (as the name index has), so one Query walks a whole search. */
  partitionKey: NAME_INDEX.partitionKey,
  partitionValue: NAME_INDEX.partitionValue,
  /** The name folded from one of its words on, then the email's order and the email (`orderKey`). */
  sortKey: 'wordKey',
} as const;

/** Words of a name that get an entry: a longer name is found by its first ten. */
export const MAX_WORD_STARTS = 10;

/** The name-words table of a Students table: its name, or its ARN (the name is the ARN's end). */
export function wordsTableOf(studentsTable: string): string {
  return `${studentsTable}${NAME_WORDS.tableSuffix}`;
}

/** A word starts at a letter or digit at the start of the name, or after a space, hyphen or apostrophe. */
const WORD_START = /(?:^|(?<=[ '-]))[\p{L}\p{N}]/gu;

/** A folded name from each of its words on: "maria garcia" gives "maria garcia" and "garcia". */
export function wordStarts(folded: string): string[] {
  const starts = [...folded.matchAll(WORD_START)].map((m) => folded.slice(m.index));
  return [...new Set(starts)].slice(0, MAX_WORD_STARTS);
}

/** The sort keys of a student's entries. */
export function wordKeysOf(student: Pick<Student, 'name' | 'email'>): string[] {
  return [...new Set(wordStarts(foldName(student.name)).map((fold) => orderKey(fold, student.email)))];
}

/** A student's entries in the name-words table, as stored. */
export function wordEntriesOf(student: Student): Record<string, string>[] {
  return wordKeysOf(student).map((key) => ({
    [NAME_WORDS.partitionKey]: NAME_WORDS.partitionValue,
    [NAME_WORDS.sortKey]: key,
    name: student.name,
    age: student.age,
    email: student.email,
    country: student.country,
  }));
}

/** The table's definition as DynamoDB's API states it: the data stack and the local data tier create it. */
export const WORDS_TABLE_DEFINITION = {
  attributes: [
    { name: NAME_WORDS.partitionKey, type: 'S' },
    { name: NAME_WORDS.sortKey, type: 'S' },
  ],
  hashKey: NAME_WORDS.partitionKey,
  rangeKey: NAME_WORDS.sortKey,
} as const;
