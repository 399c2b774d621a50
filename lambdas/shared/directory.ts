/**
 * The student directory: the one order of the list (by name, case- and accent-insensitively,
 * then by email), the index that keeps it, and the opaque positions used to page through it.
 * The data stack, the local data tier, the Lambdas, the backfill and the frontend read it here.
 */
import { createHash } from 'node:crypto';
import { STUDENTS_TABLE } from './contract';
import { canonicalEmail, type Student } from './student';

/** The global secondary index that orders students by name. */
export const NAME_INDEX = {
  name: 'by-name',
  /**
   * Partition key: one value for every student, so one Query walks the whole order. DynamoDB
   * splits a busy partition by sort-key range, so one value does not cap throughput.
   */
  partitionKey: 'directory',
  partitionValue: 'students',
  /** Sort key: the folded name, a separator, then the email (see `nameKeyOf`). */
  sortKey: 'nameKey',
  /** Attributes the index carries besides its keys: a page is read from the index alone. */
  projected: ['name', 'age', 'country'],
} as const;

/**
 * Separates the folded name from the email in the sort key. It sorts below every character a
 * name may hold (control characters are refused in names), so "ann" sorts before "ann b".
 */
const SEPARATOR = '\u0001';
/** The character after the separator: `> fold + AFTER_FOLD` skips every key of that fold. */
const AFTER_FOLD = '\u0002';

/** Search text is at most this long. */
export const MAX_SEARCH_LENGTH = 100;
/**
 * Code points of a folded name the order compares. Folding can outgrow a name (U+FDFA becomes 18
 * characters); names alike for this long are ordered by email, and every token stays bounded.
 */
export const MAX_FOLD_LENGTH = 200;

/**
 * A name as the order compares it: compatibility forms unified, accents dropped, case folded,
 * runs of space made one. "Émile", "EMILE" and "emile" fold alike.
 */
export function foldName(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim()
    .normalize('NFC');
  return folded.length <= MAX_FOLD_LENGTH ? folded : [...folded].slice(0, MAX_FOLD_LENGTH).join('').trimEnd();
}

/** The sort key of a student: unique, since the email is. */
export function nameKeyOf(student: Pick<Student, 'name' | 'email'>): string {
  return `${foldName(student.name)}${SEPARATOR}${student.email}`;
}

/** The index attributes a stored student carries beside its four fields. */
export function directoryAttributes(student: Pick<Student, 'name' | 'email'>): Record<string, string> {
  return { [NAME_INDEX.partitionKey]: NAME_INDEX.partitionValue, [NAME_INDEX.sortKey]: nameKeyOf(student) };
}

/**
 * The table's definition as DynamoDB's API states it: attributes, key schema and the name index.
 * The data stack deploys it and the local data tier creates it, so the two cannot differ.
 */
export const TABLE_DEFINITION = {
  attributes: [
    { name: STUDENTS_TABLE.partitionKey, type: STUDENTS_TABLE.partitionKeyType },
    { name: NAME_INDEX.partitionKey, type: 'S' },
    { name: NAME_INDEX.sortKey, type: 'S' },
  ],
  hashKey: STUDENTS_TABLE.partitionKey,
  globalSecondaryIndexes: [
    {
      name: NAME_INDEX.name,
      hashKey: NAME_INDEX.partitionKey,
      rangeKey: NAME_INDEX.sortKey,
      projectionType: 'INCLUDE',
      nonKeyAttributes: [...NAME_INDEX.projected],
    },
  ],
} as const;

/** Key-condition bounds on the sort key. */
export const SORT_BOUNDS = {
  /** Every key of this fold begins with it. */
  foldPrefix: (fold: string) => `${fold}${SEPARATOR}`,
  /** Every key of a later fold is greater than it. */
  afterFold: (fold: string) => `${fold}${AFTER_FOLD}`,
} as const;

/** A position in the order: a student's folded name and a digest of their email (never the email). */
export interface Position {
  readonly fold: string;
  readonly digest: string;
}

/** 64 bits of SHA-256: unique among one name's students, and no email in a URL. */
export function emailDigest(email: string): string {
  return createHash('sha256').update(canonicalEmail(email)).digest('base64url').slice(0, 11);
}

export function positionOf(student: Pick<Student, 'name' | 'email'>): Position {
  return { fold: foldName(student.name), digest: emailDigest(student.email) };
}

/** A position token as it may appear in a URL: base64url, bounded (a fold is at most 200 code points). */
export const POSITION_PATTERN = /^[A-Za-z0-9_-]{1,2048}$/;

/** The opaque token of a position, as it travels in URLs and the API's headers. */
export function encodePosition(position: Position): string {
  return Buffer.from(JSON.stringify([position.fold, position.digest])).toString('base64url');
}

/** The position a token names, or undefined when it is not one of ours. */
export function decodePosition(token: string): Position | undefined {
  if (!POSITION_PATTERN.test(token)) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [fold, digest] = parsed as unknown[];
    if (typeof fold !== 'string' || typeof digest !== 'string' || !/^[A-Za-z0-9_-]{11}$/.test(digest)) return undefined;
    if (fold === '' || fold.length > 2 * MAX_FOLD_LENGTH || fold.includes(SEPARATOR)) return undefined;
    return { fold, digest };
  } catch {
    return undefined;
  }
}

/** What a search text asks for: one email exactly, or names that begin with a folded prefix. */
export type Search =
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'name'; readonly prefix: string };

/** Reads a search text; a string is the reason it cannot be searched. */
export function parseSearch(text: string): Search | string {
  const trimmed = text.normalize('NFC').trim();
  if (trimmed.length > MAX_SEARCH_LENGTH) return `Search for ${MAX_SEARCH_LENGTH} characters or fewer`;
  if (trimmed.includes('@')) return { kind: 'email', email: canonicalEmail(trimmed) };
  const prefix = foldName(trimmed);
  if (!/[\p{L}\p{N}]/u.test(prefix)) return 'Search for a name (a letter or a digit) or a whole email address';
  return { kind: 'name', prefix };
}
