/** The directory's facts, without a store: the fold, the sort key, position tokens and search parsing. */
import fc from 'fast-check';
import { Directory } from '../lambdas/list-students/directory-read';
import {
  decodePosition,
  directoryAttributes,
  encodePosition,
  foldName,
  MAX_SEARCH_LENGTH,
  nameKeyOf,
  POSITION_PATTERN,
  parseSearch,
  positionOf,
} from '../lambdas/shared/directory';
import { LIMITS } from '../lambdas/shared/student';

test.each([
  ['Émile Zola', 'emile zola'],
  ['ZOË  KRAUS', 'zoe kraus'],
  ['Straße', 'strasse'],
  ['Ｆｕｌｌ Width', 'full width'],
  ['  Łukasz\tNowak ', 'łukasz nowak'],
])('foldName(%j) is %j', (name, folded) => {
  expect(foldName(name)).toBe(folded);
});

test('the sort key orders by folded name, then by email; a shorter name sorts before its extensions', () => {
  const keys = [
    { name: 'Ann B', email: 'a@x.org' },
    { name: 'ann', email: 'z@x.org' },
    { name: 'Ann', email: 'b@x.org' },
    { name: 'Ánn', email: 'a@x.org' },
  ].map(nameKeyOf);
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  expect(sorted.map((k) => k.split('\u0001')[1])).toEqual(['a@x.org', 'b@x.org', 'z@x.org', 'a@x.org']);
  expect(directoryAttributes({ name: 'Ann', email: 'b@x.org' })).toEqual({
    directory: 'students',
    nameKey: 'ann\u0001b@x.org',
  });
});

test('a position token round-trips, holds no email, and stays within its pattern for any valid name', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: LIMITS.name, unit: 'grapheme' }), (raw) => {
      const name = raw.trim() || 'x';
      const email = 'someone.long.address@example.com';
      const token = encodePosition(positionOf({ name, email }));
      expect(POSITION_PATTERN.test(token)).toBe(true);
      expect(Buffer.from(token, 'base64url').toString()).not.toContain(email);
      if (foldName(name) !== '') expect(decodePosition(token)).toEqual(positionOf({ name, email }));
    }),
    { numRuns: 300 },
  );
  // The widest fold: U+FDFA decomposes to 18 characters.
  expect(POSITION_PATTERN.test(encodePosition(positionOf({ name: '\uFDFA'.repeat(100), email: 'a@b.co' })))).toBe(true);
});

test.each([
  ['not base64 json', '$$$'],
  ['an object', Buffer.from('{"email":"a@b.co"}').toString('base64url')],
  ['a short digest', Buffer.from('["ann","abc"]').toString('base64url')],
  ['an empty name', Buffer.from('["","AAAAAAAAAAA"]').toString('base64url')],
  ['a separator in the name', Buffer.from('["a\\u0001b","AAAAAAAAAAA"]').toString('base64url')],
])('decodePosition refuses %s', (_what, token) => {
  expect(decodePosition(token)).toBeUndefined();
});

test('parseSearch: an @ means one email (canonical), else a folded name prefix; nonsense is refused with a reason', () => {
  expect(parseSearch('  ADA@Example.COM ')).toEqual({ kind: 'email', email: 'ada@example.com' });
  expect(parseSearch('Émi')).toEqual({ kind: 'name', prefix: 'emi' });
  expect(parseSearch('??')).toMatch(/^Search for a name/);
  expect(parseSearch('a'.repeat(MAX_SEARCH_LENGTH + 1))).toMatch(/characters or fewer/);
});

test('the count estimate is DynamoDB ItemCount, asked at most every five minutes, and absent while it is 0', async () => {
  // dynalite reports no ItemCount, so a stand-in client plays DynamoDB's DescribeTable here.
  let calls = 0;
  let count = 2005;
  const db = {
    send: async () => {
      calls++;
      return { Table: { ItemCount: count } };
    },
  };
  const directory = new Directory(db as never, 'students-dev-Students', (i) => i as never);
  expect(await directory.countEstimate(0)).toBe(2005);
  count = 3000;
  expect(await directory.countEstimate(299_000)).toBe(2005);
  expect(await directory.countEstimate(301_000)).toBe(3000);
  expect(calls).toBe(2);
  count = 0;
  expect(await directory.countEstimate(700_000)).toBeUndefined();
});
