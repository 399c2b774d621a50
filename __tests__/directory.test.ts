/** The directory's facts, without a store: the fold, the sort key, position tokens and search parsing. */
import fc from 'fast-check';
import { Directory } from '../lambdas/list-students/directory-read';
import {
  decodePosition,
  directoryAttributes,
  encodePosition,
  foldName,
  KEY_BYTES,
  MAX_SEARCH_LENGTH,
  nameKeyOf,
  POSITION_PATTERN,
  parseSearch,
  positionOf,
} from '../core/directory';
import { LIMITS } from '../core/student';
import { MAX_WORD_STARTS, wordEntriesOf, wordKeysOf, wordStarts } from '../core/name-words';

test.each([
  ['Émile Zola', 'emile zola'],
  ['ZOË  KRAUS', 'zoe kraus'],
  ['Straße', 'strasse'],
  ['Ｆｕｌｌ Width', 'full width'],
  ['  Łukasz\tNowak ', 'lukasz nowak'],
  ['Øyvind Ægir', 'oyvind aegir'],
  ['Đorđe Œdipe', 'dorde oedipe'],
  ['ẞTRASSE Þórr', 'sstrasse thorr'],
  ['d’Arcy ʻIolani', "d'arcy 'iolani"],
  ['Jean‐Luc', 'jean-luc'],
  ['علی\u200Cرضا', 'علیرضا'],
])('foldName(%j) is %j', (name, folded) => {
  expect(foldName(name)).toBe(folded);
});

/** Each letter Unicode does not decompose, with the ASCII it is compared as (CLDR's Latin-ASCII). */
const SPELLINGS: readonly [string, string][] = [
  ['Ø', 'O'],
  ['ø', 'o'],
  ['Ł', 'L'],
  ['ł', 'l'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['Ð', 'D'],
  ['ð', 'd'],
  ['Æ', 'AE'],
  ['æ', 'ae'],
  ['Œ', 'OE'],
  ['œ', 'oe'],
  ['ß', 'ss'],
  ['Þ', 'TH'],
  ['þ', 'th'],
  ['Ħ', 'H'],
  ['ħ', 'h'],
  ['ı', 'i'],
  ['Ŧ', 'T'],
  ['ŧ', 't'],
  ['Ŋ', 'N'],
  ['ŋ', 'n'],
  ['’', "'"],
];

test('every name sorts and searches as its ASCII spelling (property: letters swapped for ones that do not decompose)', () => {
  const ascii = fc.stringMatching(/^[A-Za-z' -]{1,30}$/).filter((s) => /[A-Za-z]/.test(s));
  fc.assert(
    fc.property(ascii, fc.array(fc.nat(), { minLength: 1, maxLength: 10 }), (plain, picks) => {
      // Replace some ASCII spellings in the plain name with the letters they stand for.
      let special = plain;
      for (const pick of picks) {
        const [letter, spelling] = SPELLINGS[pick % SPELLINGS.length] as [string, string];
        special = special.replace(spelling, letter);
      }
      expect(foldName(special)).toBe(foldName(plain));
      const email = 'a@x.org';
      expect(nameKeyOf({ name: special, email })).toBe(nameKeyOf({ name: plain, email }));
      const search = parseSearch(plain.slice(0, 3).trim() || 'a');
      const prefix = typeof search === 'string' ? undefined : (search as { prefix: string }).prefix;
      if (prefix) expect(foldName(special).startsWith(prefix)).toBe(foldName(plain).startsWith(prefix));
    }),
    { numRuns: 300 },
  );
});

test('a name is entered in the name-words table from each of its words on (spaces, hyphens, apostrophes), ten at most', () => {
  expect(wordStarts(foldName('María José García'))).toEqual(['maria jose garcia', 'jose garcia', 'garcia']);
  expect(wordStarts(foldName('Jean-Luc d’Arcy'))).toEqual(["jean-luc d'arcy", "luc d'arcy", "d'arcy", 'arcy']);
  expect(wordStarts(foldName('Ann Ann'))).toEqual(['ann ann', 'ann']);
  expect(wordStarts(Array.from({ length: 14 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_WORD_STARTS);
  const student = { name: 'Ada Lovelace', age: '36', email: 'ada@x.org', country: 'UK' };
  expect(wordEntriesOf(student)).toEqual([
    { directory: 'students', wordKey: nameKeyOf(student), ...student },
    { directory: 'students', wordKey: 'lovelace\u0001ada x.org\u0001ada@x.org', ...student },
  ]);
  // Every key fits DynamoDB's limit, for the widest folds and the longest email.
  const longest = `${'é'.repeat(32)}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(59)}.com`;
  for (const key of wordKeysOf({ name: Array(10).fill('\uFDFA'.repeat(9)).join(' '), email: longest }))
    expect(Buffer.byteLength(key)).toBeLessThanOrEqual(KEY_BYTES.sort);
});

test('students who share a name are ordered by email, folded alike, with the @ before every other character', () => {
  const emails = ['ann.19@x.org', 'ann.1@x.org', 'ann.2@x.org', 'ånn@x.org', 'anna@x.org', 'ann@x.org'];
  const sorted = emails
    .map((email) => nameKeyOf({ name: 'Ann Lee', email }))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
    .map((k) => k.split('\u0001')[2]);
  expect(sorted).toEqual(['ann@x.org', 'ånn@x.org', 'ann.1@x.org', 'ann.19@x.org', 'ann.2@x.org', 'anna@x.org']);
});

test('the sort key orders by folded name, then by email; a shorter name sorts before its extensions', () => {
  const keys = [
    { name: 'Ann B', email: 'a@x.org' },
    { name: 'ann', email: 'z@x.org' },
    { name: 'Ann', email: 'b@x.org' },
    { name: 'Ánn', email: 'a@x.org' },
  ].map(nameKeyOf);
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  expect(sorted.map((k) => k.split('\u0001')[2])).toEqual(['a@x.org', 'b@x.org', 'z@x.org', 'a@x.org']);
  expect(directoryAttributes({ name: 'Ann', email: 'B.ø@x.org' })).toEqual({
    directory: 'students',
    nameKey: 'ann\u0001b.o x.org\u0001B.ø@x.org',
  });
});

test("a position is the exact sort key, within DynamoDB's 1,024-byte limit for any valid name and a longest email", () => {
  // 64 bytes before the @ (the most a local part may have) and a long ASCII domain.
  const longest = `${'é'.repeat(32)}@${'d'.repeat(63)}.${'e'.repeat(63)}.${'f'.repeat(59)}.com`;
  fc.assert(
    fc.property(
      fc.string({ minLength: 1, maxLength: LIMITS.name, unit: 'grapheme' }),
      fc.constantFrom('a@b.co', longest),
      (raw, email) => {
        const name = raw.trim() || 'x';
        const key = nameKeyOf({ name, email });
        expect(Buffer.byteLength(key)).toBeLessThanOrEqual(KEY_BYTES.sort);
        expect(key.endsWith(`\u0001${email}`)).toBe(true);
        expect(key.split('\u0001')).toHaveLength(3);
        const token = encodePosition(positionOf({ name, email }));
        expect(POSITION_PATTERN.test(token)).toBe(true);
        // A name the model accepts (no control or format characters) decodes back to its position.
        if (foldName(name) !== '' && !/[\p{Cc}\p{Cf}]/u.test(name))
          expect(decodePosition(token)).toEqual(positionOf({ name, email }));
      },
    ),
    { numRuns: 300 },
  );
  // The widest fold (U+FDFA decomposes to 18 characters) gives way to the email.
  const wide = nameKeyOf({ name: '\uFDFA'.repeat(100), email: longest });
  expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(KEY_BYTES.sort);
});

const b64 = (text: string) => Buffer.from(text).toString('base64url');
test.each([
  ['not base64', '$$$'],
  ['no separator', b64('ann')],
  ['an empty name', b64('\u0001a@b.co')],
  ['an empty email', b64('ann\u0001')],
  ['three separators', b64('a\u0001b\u0001c\u0001c@d.co')],
  ['an empty email order', b64('a\u0001\u0001c@d.co')],
  ['a control character', b64('an\u0002n\u0001a@b.co')],
  ['a key over 1,024 bytes', b64(`${'ж'.repeat(600)}\u0001a@b.co`)],
  ['bytes that are not UTF-8', Buffer.from([0x61, 0xff, 0x01, 0x62]).toString('base64url')],
  ['a non-canonical spelling of the bytes', `${b64('ann\u0001a@b.co')}B`],
])('decodePosition refuses %s', (_what, token) => {
  expect(decodePosition(token)).toBeUndefined();
});

test('a key written before the email order was part of it (name, separator, email) is still a position', () => {
  expect(decodePosition(b64('ann\u0001a@b.co'))).toEqual({ key: 'ann\u0001a@b.co', fold: 'ann' });
});

test('parseSearch: an @ means one email (canonical), else a folded name prefix; nonsense is refused with a reason', () => {
  expect(parseSearch('  ADA@Example.COM ')).toEqual({ kind: 'email', email: 'ada@example.com' });
  expect(parseSearch('Émi')).toEqual({ kind: 'name', prefix: 'emi' });
  expect(parseSearch('??')).toMatch(/^Search for a name/);
  expect(parseSearch('Łuk')).toEqual({ kind: 'name', prefix: 'luk' });
  expect(parseSearch('d’Ar')).toEqual({ kind: 'name', prefix: "d'ar" });
  expect(parseSearch('علی\u200Cر')).toEqual({ kind: 'name', prefix: 'علیر' });
  expect(parseSearch('an\u200Bn')).toBe('Search text must not contain the zero-width space (U+200B) at character 3');
  expect(parseSearch('a'.repeat(MAX_SEARCH_LENGTH + 1))).toMatch(/characters or fewer/);
});

test.each([
  ['the sort-key separator (a name search reaching into emails)', 'ann\u0001ann2'],
  ['a control character', 'ann\u0007'],
  ['a format character', 'an\u200Bn'],
  ['a lone surrogate', 'ann\uD800'],
])('parseSearch refuses %s', (_what, text) => {
  expect(parseSearch(text)).toEqual(expect.any(String));
});

test('parseSearch refuses text that NFKC grows past what a key may hold (3,108 bytes from 100 characters)', () => {
  const email = `${'\uFDFA'.repeat(94)}@x.com`;
  expect(Buffer.byteLength(email.normalize('NFKC'))).toBe(3108);
  expect(parseSearch(email)).toEqual(expect.any(String));
  // A name prefix is folded, and a fold is bounded: it always fits the key.
  const prefix = parseSearch('\uFDFA'.repeat(60)) as { prefix: string };
  expect(Buffer.byteLength(prefix.prefix)).toBeLessThanOrEqual(KEY_BYTES.sort);
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
