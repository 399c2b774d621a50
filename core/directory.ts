/**
 * The student directory: the one order of the list (by name, case- and accent-insensitively,
 * then by email), the index that keeps it, and the opaque positions used to page through it.
 * The data stack, the local data tier, the Lambdas, the backfill and the frontend read it here.
 */
import { STUDENTS_TABLE } from './contract';
import { foldText } from './fold';
import { findInvisible } from './invisible';
import { canonicalEmail, LIMITS, type Student } from './student';

/** The global secondary index that orders students by name. */
export const NAME_INDEX = {
  name: 'by-name',
  /**
   * Partition key: one value for every student, so one Query walks the whole order. DynamoDB
   * splits a busy partition by sort-key range, so one value does not cap throughput.
   */
  partitionKey: 'directory',
  partitionValue: 'students',
  /** Sort key: the folded name, then the email as it sorts, then the email (see `nameKeyOf`). */
  sortKey: 'nameKey',
  /** Attributes the index carries besides its keys: a page is read from the index alone. */
  projected: ['name', 'age', 'country'],
} as const;

/**
 * DynamoDB's key limits, in UTF-8 bytes: a partition key of at most 2,048 and a sort key of at
 * most 1,024. A longer key is refused (ValidationException) by every call that carries it.
 */
export const KEY_BYTES = { partition: 2048, sort: 1024 } as const;

/**
 * Separates the folded name from the email in the sort key. It sorts below every character a
 * name may hold (control characters are refused in names), so "ann" sorts before "ann b".
 */
const SEPARATOR = '\u0001';

/** Search text is at most this long: a whole email address of the longest kind. */
export const MAX_SEARCH_LENGTH = LIMITS.email;
/**
 * Code points of a folded name the order compares. Folding can outgrow a name (U+FDFA becomes 18
 * characters); names alike for this long are ordered by email, and every token stays bounded.
 */
export const MAX_FOLD_LENGTH = 200;

/**
 * A name as the order compares it (see `foldText`): "Émile", "EMILE" and "emile" fold alike, and
 * so do "Øyvind" and "Oyvind", "d’Arcy" and "d'Arcy".
 */
export function foldName(name: string): string {
  const folded = foldText(name);
  return folded.length <= MAX_FOLD_LENGTH ? folded : [...folded].slice(0, MAX_FOLD_LENGTH).join('').trimEnd();
}

/**
 * An email as students who share a name are ordered by it: folded like a name, with the @ as a
 * space, so that it sorts before every character an email may hold ("a.1@x" before "a.19@x").
 */
function emailOrder(email: string): string {
  return foldText(email.replace('@', ' '));
}

/**
 * A key of the name order: a fold (of a whole name, or of a name from one of its words on), the
 * email as it sorts, then the email itself, which makes the key unique; within DynamoDB's
 * sort-key limit, the fold giving way to the emails.
 */
export function orderKey(fold: string, email: string): string {
  const order = emailOrder(email);
  const room = KEY_BYTES.sort - 2 - Buffer.byteLength(order) - Buffer.byteLength(email);
  return `${truncateBytes(fold, room)}${SEPARATOR}${order}${SEPARATOR}${email}`;
}

/** The sort key of a student in the name order. */
export function nameKeyOf(student: Pick<Student, 'name' | 'email'>): string {
  return orderKey(foldName(student.name), student.email);
}

/** The longest start of `text`, whole code points, of at most `max` UTF-8 bytes. */
function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = '';
  let bytes = 0;
  for (const ch of text) {
    bytes += Buffer.byteLength(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out.trimEnd();
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

/**
 * A position in the order: the index's sort key of a student (their folded name, the separator,
 * their email). A page starts at one, or ends before one, in a single Query whatever the data.
 */
export interface Position {
  readonly key: string;
  /** The folded name the key begins with. */
  readonly fold: string;
}

export function positionOf(student: Pick<Student, 'name' | 'email'>): Position {
  const key = nameKeyOf(student);
  return { key, fold: key.slice(0, key.indexOf(SEPARATOR)) };
}

/**
 * A position after every student (U+10FFFF sorts after every character, and the model refuses
 * noncharacters in names): the last page of the list is the page before it.
 */
export const END_POSITION: Position = { key: '\u{10FFFF}\u0001\u{10FFFF}\u0001\u{10FFFF}', fold: '\u{10FFFF}' };

/**
 * The position of a stored sort key, or undefined when it is not one. A key written before the
 * email's order was part of it (name, separator, email) is still a position until the backfill
 * rewrites it.
 */
export function positionAt(key: string): Position | undefined {
  const at = key.indexOf(SEPARATOR);
  const parts = key.split(SEPARATOR);
  if (at <= 0 || parts.length > 3 || parts.slice(1).some((p) => p === '')) return undefined;
  if (Buffer.byteLength(key) > KEY_BYTES.sort || /[\p{Cc}\p{Cf}]/u.test(key.replaceAll(SEPARATOR, '')))
    return undefined;
  return { key, fold: key.slice(0, at) };
}

/** A position token as it may appear in a header: base64url of the key, bounded by the key limit. */
export const POSITION_PATTERN = /^[A-Za-z0-9_-]{1,1366}$/;

/**
 * The token of a position as the API sends it in its headers. It holds an email: the frontend
 * seals it before it goes in any URL (the API answers the portal alone unless made public).
 */
export function encodePosition(position: Position): string {
  return Buffer.from(position.key).toString('base64url');
}

/** The position a token names, or undefined when it is not one. */
export function decodePosition(token: string): Position | undefined {
  if (!POSITION_PATTERN.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  const key = bytes.toString('utf8');
  // Not UTF-8, or not the canonical spelling of those bytes: not a key of ours.
  if (!Buffer.from(key).equals(bytes) || bytes.toString('base64url') !== token) return undefined;
  return positionAt(key);
}

/** What a search text asks for: one email exactly, or names that begin with a folded prefix. */
export type Search =
  | { readonly kind: 'email'; readonly email: string }
  | { readonly kind: 'name'; readonly prefix: string };

/** Reads a search text; a string is the reason it cannot be searched. */
export function parseSearch(text: string): Search | string {
  if (!text.isWellFormed()) return 'Search text contains characters that are not text';
  const trimmed = text.normalize('NFC').trim();
  if (trimmed.length > MAX_SEARCH_LENGTH) return `Search for ${MAX_SEARCH_LENGTH} characters or fewer`;
  // Names and emails refuse them too; U+0001 would also reach past a name into the emails.
  const invisible = findInvisible(trimmed, true);
  if (invisible) return `Search text must not contain ${invisible}`;
  if (trimmed.includes('@')) {
    const email = canonicalEmail(trimmed);
    // Compatibility forms can grow many-fold (U+FDFA is 18 letters); no student's email is this long.
    if (Buffer.byteLength(email) > KEY_BYTES.sort - 2) return 'Search for an email address of a registered length';
    return { kind: 'email', email };
  }
  const prefix = foldName(trimmed);
  if (!/[\p{L}\p{N}]/u.test(prefix)) return 'Search for a name (a letter or a digit) or a whole email address';
  if (Buffer.byteLength(prefix) > KEY_BYTES.sort - 2) return 'Search for a shorter part of the name';
  return { kind: 'name', prefix };
}
