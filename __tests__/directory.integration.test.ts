/**
 * The ordered reads of `GET /student?order=name` through the real local stack (local API Gateway,
 * the built Lambdas, dynalite with the name index created from the data stack's definition).
 */
import { COUNT_ESTIMATE_HEADER, NEXT_CURSOR_HEADER, PREV_CURSOR_HEADER, RANK_HEADER } from '../core/contract';
import { decodePosition, encodePosition, foldName, nameKeyOf, POSITION_PATTERN, positionOf } from '../core/directory';
import type { Student } from '../core/student';
import { generatedStudent, seedStudents } from '../scripts/local/seed';
import { startBackend, type LocalBackend } from '../scripts/local/stack';
import { signedFetch } from '../scripts/local/signed-fetch';

let backend: LocalBackend;
const COUNT = 333;
const all = Array.from({ length: COUNT }, (_, i) => generatedStudent(i));
/** The one order: the sort key's bytes, as DynamoDB compares keys. */
const ordered = [...all].sort((a, b) => Buffer.compare(Buffer.from(nameKeyOf(a)), Buffer.from(nameKeyOf(b))));

beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
  await seedStudents(backend.data.endpoint, backend.tableName, all);
});
afterAll(() => backend.stop());

async function read(
  query: string,
): Promise<{ status: number; students: Student[]; next?: string; prev?: string; body: unknown }> {
  const res = await signedFetch(`${backend.api.studentUrl}?${query}`);
  const body = await res.json();
  return {
    status: res.status,
    body,
    students: Array.isArray(body) ? body : [],
    next: res.headers.get(NEXT_CURSOR_HEADER) ?? undefined,
    prev: res.headers.get(PREV_CURSOR_HEADER) ?? undefined,
  };
}

test('walks every page forward and back: the global order, none twice, none missing', async () => {
  const forward: Student[][] = [];
  const prevs: (string | undefined)[] = [];
  let from: string | undefined;
  do {
    const page = await read(`order=name&limit=40${from ? `&from=${from}` : ''}`);
    expect(page.status).toBe(200);
    forward.push(page.students);
    prevs.push(page.prev);
    from = page.next;
  } while (from);
  expect(forward.flat()).toEqual(ordered);
  expect(forward.map((p) => p.length)).toEqual([40, 40, 40, 40, 40, 40, 40, 40, 13]);
  expect(prevs[0]).toBeUndefined();
  // Back from the last page: each previous page is exactly the page seen going forward.
  let before = prevs[prevs.length - 1];
  for (let i = forward.length - 2; i >= 0; i--) {
    const page = await read(`order=name&limit=40&before=${before}`);
    expect(page.students).toEqual(forward[i]);
    before = page.prev;
  }
  expect(before).toBeUndefined();
});

test('students who share a name are ordered by email, and paging splits them correctly', async () => {
  const twins = ordered.filter((s, i) => ordered[i + 1]?.name === s.name || ordered[i - 1]?.name === s.name);
  expect(twins.length).toBeGreaterThan(10);
  // A page of one student at a time across a pair of the same name.
  const start = ordered.indexOf(twins[0]!);
  const first = await read(`order=name&limit=1&q=${encodeURIComponent(twins[0]!.name)}`);
  expect(first.students).toEqual([ordered[start]]);
  const second = await read(`order=name&limit=1&q=${encodeURIComponent(twins[0]!.name)}&from=${first.next}`);
  expect(second.students).toEqual([ordered[start + 1]]);
  const back = await read(`order=name&limit=1&q=${encodeURIComponent(twins[0]!.name)}&before=${second.prev}`);
  expect(back.students).toEqual([ordered[start]]);
});

test('search: a name prefix ignoring case and accents, in order and paged; an email exactly', async () => {
  const emiles = ordered.filter((s) => foldName(s.name).startsWith('emile'));
  const page1 = await read('order=name&limit=10&q=%C3%89MILE');
  expect(page1.students).toEqual(emiles.slice(0, 10));
  const page2 = await read(`order=name&limit=10&q=emile&from=${page1.next}`);
  expect(page2.students).toEqual(emiles.slice(10, 20));
  expect((await read('order=name&q=STUDENT42%40Example.COM')).students).toEqual([all[42]]);
  expect((await read('order=name&q=nobody%40example.com')).students).toEqual([]);
});

test("a token is the exact position (the next page's first sort key), bounded by DynamoDB's key limit", async () => {
  const { next } = await read('order=name&limit=5');
  expect(next).toMatch(POSITION_PATTERN);
  expect(decodePosition(next!)).toEqual(positionOf(ordered[5]!));
});

test('rank=1 with a position: exactly how many students come before it, from which a page number follows', async () => {
  for (const at of [0, 1, 137, COUNT - 1]) {
    const token = encodePosition(positionOf(ordered[at]!));
    const res = await signedFetch(`${backend.api.studentUrl}?order=name&limit=1&from=${token}&rank=1`);
    expect([at, res.headers.get(RANK_HEADER)]).toEqual([at, String(at)]);
  }
  // Without rank=1, no counting (it reads every entry before the position).
  const plain = await signedFetch(
    `${backend.api.studentUrl}?order=name&limit=1&from=${encodePosition(positionOf(ordered[9]!))}`,
  );
  expect(plain.headers.get(RANK_HEADER)).toBeNull();
});

test.each([
  ['order=size', /^order must be name$/],
  ['order=name&rank=1', /^rank: pass rank=1 with a from position/],
  [`order=name&q=ann&rank=1&from=${Buffer.from('ann\u0001a@b.co').toString('base64url')}`, /^rank: pass rank=1/],
  ['rank=1', /^rank needs order=name$/],
  ['order=name&from=bm90LWEtdG9rZW4', /^from is not valid/],
  ['order=name&q=ann%01ann2', /^q: Search text must not contain an invisible character \(U\+0001\) at character 4/],
  [
    `order=name&q=${encodeURIComponent(`${'\uFDFA'.repeat(94)}@x.com`)}`,
    /^q: Search for an email address of a registered length/,
  ],
  ['order=name&before=%24%24', /^before is not valid/],
  ['order=name&q=%3F%3F', /^q: Search for a name/],
  ['q=ada', /^q needs order=name$/],
  ['order=name&cursor=abc', /^cursor pages the unordered list/],
  ['order=name&limit=0', /^limit must be an integer/],
])('GET ?%s answers 400 naming the problem', async (query, message) => {
  const res = await read(query);
  expect(res.status).toBe(400);
  expect((res.body as { message: string }).message).toMatch(message);
});

test('a token from another search is refused, not misread', async () => {
  const { next } = await read('order=name&limit=1&q=ada');
  const res = await read(`order=name&q=zoe&from=${next}`);
  expect([res.status, (res.body as { message: string }).message]).toEqual([
    400,
    'The cursor belongs to another search',
  ]);
});

test('GET /student with no parameters still lists every student (the reference contract), in any order', async () => {
  const res = await read('');
  expect(res.students).toHaveLength(COUNT);
  expect(new Set(res.students.map((s) => s.email))).toEqual(new Set(all.map((s) => s.email)));
  // The count estimate is DynamoDB's ItemCount; dynalite reports none, so the header is absent.
  const ordered = await signedFetch(`${backend.api.studentUrl}?order=name&limit=1`);
  expect(ordered.headers.get(COUNT_ESTIMATE_HEADER)).toBeNull();
});
