/**
 * The Python handlers' contract, and the failure modes ours drop, exercised against a real
 * DynamoDB-protocol server (dynalite). The full contract runs on the TypeScript sources; the
 * built bundles (what Lambda runs) get one smoke test per handler.
 */
import { CORS_HEADERS, SIGNUP_SUCCESS_MESSAGE, NEXT_CURSOR_HEADER, MAX_BODY_BYTES } from '../core/contract';
import { buildProxyEvent } from '../scripts/local/proxy-event';
import type { DataTier } from '../scripts/local/data-tier';
import {
  clearTable,
  freshTable,
  loadHandler,
  stopHandlers,
  putRaw,
  scanAll,
  startStore,
  studentItem,
  type Handler,
} from './helpers/store';

function getEvent(query?: Record<string, string>, headers?: Record<string, string>) {
  return buildProxyEvent({ method: 'GET', resource: '/student', path: '/student', query, headers });
}
function postEvent(body: string | null, opts: { base64?: boolean } = {}) {
  const event = buildProxyEvent({
    method: 'POST',
    resource: '/student',
    path: '/student',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
  if (opts.base64 && body !== null)
    return { ...event, body: Buffer.from(body).toString('base64'), isBase64Encoded: true };
  return event;
}
const valid = { name: 'Ada Lovelace', age: '22', email: 'ada@example.com', country: 'United Kingdom' };

let store: DataTier;
beforeAll(async () => {
  store = await startStore();
});
afterAll(async () => {
  await stopHandlers();
  await store.close();
});

describe('built bundles: one smoke test per handler', () => {
  let tableName: string;
  beforeAll(async () => {
    tableName = await freshTable(store);
  });
  test('signup-students bundle signs a student up, and list-students bundle lists them', async () => {
    const signup = loadHandler('bundle', 'signup-students', { endpoint: store.endpoint, tableName });
    const list = loadHandler('bundle', 'list-students', { endpoint: store.endpoint, tableName });
    const created = await signup(postEvent(JSON.stringify(valid)));
    expect([created.statusCode, JSON.parse(created.body)]).toEqual([200, SIGNUP_SUCCESS_MESSAGE]);
    const listed = await list(getEvent());
    expect(listed.statusCode).toBe(200);
    expect(JSON.parse(listed.body)).toEqual([valid]);
    expect(listed.headers).toMatchObject({ 'Content-Type': 'application/json' });
    expect(listed.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
  test('with CORS_ORIGINS (public access) a listed origin is answered with the CORS headers; any other gets none', async () => {
    const list = loadHandler('bundle', 'list-students', {
      endpoint: store.endpoint,
      tableName,
      extra: { CORS_ORIGINS: 'https://portal.example.edu,https://other.example.edu' },
    });
    const allowed = await list(getEvent(undefined, { Origin: 'https://portal.example.edu' }));
    expect(allowed.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://portal.example.edu',
      'Access-Control-Expose-Headers': CORS_HEADERS['Access-Control-Expose-Headers'],
      Vary: 'Origin',
    });
    const foreign = await list(getEvent(undefined, { Origin: 'https://evil.example' }));
    expect(foreign.statusCode).toBe(200);
    expect(foreign.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  });
});

describe('handlers (the full contract, on the TypeScript sources)', () => {
  const variant = 'source' as const;
  let tableName: string;
  let list: Handler;
  let signup: Handler;
  beforeAll(async () => {
    tableName = await freshTable(store);
    list = loadHandler(variant, 'list-students', { endpoint: store.endpoint, tableName });
    signup = loadHandler(variant, 'signup-students', { endpoint: store.endpoint, tableName });
  });
  beforeEach(() => clearTable(store, tableName));

  function expectContractHeaders(headers: Record<string, unknown> | undefined) {
    expect(headers).toMatchObject({ 'Content-Type': 'application/json' });
    // No CORS unless the API is public with allowed origins: browsers are not let in by default.
    expect(headers?.['Access-Control-Allow-Origin']).toBeUndefined();
  }
  async function listAll(query?: Record<string, string>) {
    const res = await list(getEvent(query));
    return { res, body: JSON.parse(res.body) as Record<string, string>[] };
  }

  describe('GET /student', () => {
    test('answers 200 with the CORS and JSON headers and an array of string-valued students', async () => {
      await signup(postEvent(JSON.stringify(valid)));
      const { res, body } = await listAll();
      expect(res.statusCode).toBe(200);
      expectContractHeaders(res.headers);
      expect(body).toEqual([{ email: 'ada@example.com', name: 'Ada Lovelace', age: '22', country: 'United Kingdom' }]);
      expect(res.headers?.[NEXT_CURSOR_HEADER]).toBeUndefined();
    });

    test('an empty table lists as []', async () => {
      const { res, body } = await listAll();
      expect(res.statusCode).toBe(200);
      expect(body).toEqual([]);
    });

    test('lists more than 1 MB of students completely across Scan pages, without duplicates', async () => {
      const count = 2600; // ~470 bytes each: about 1.2 MB, so DynamoDB needs at least two Scan pages
      await putRaw(
        store,
        tableName,
        Array.from({ length: count }, (_, i) => studentItem(i, 400)),
      );
      const { res, body } = await listAll();
      expect(res.statusCode).toBe(200);
      expect(res.headers?.[NEXT_CURSOR_HEADER]).toBeUndefined();
      expect(body).toHaveLength(count);
      expect(new Set(body.map((s) => s.email)).size).toBe(count);
      expect(Buffer.byteLength(res.body)).toBeGreaterThan(1024 * 1024);
    });

    test('stops at the response budget, says so in X-Next-Cursor, and the cursor continues without loss or repeat', async () => {
      await putRaw(
        store,
        tableName,
        Array.from({ length: 300 }, (_, i) => studentItem(i, 200)),
      );
      const small = loadHandler(variant, 'list-students', {
        endpoint: store.endpoint,
        tableName,
        extra: { LIST_MAX_RESPONSE_BYTES: '20000' },
      });
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await small(getEvent(cursor ? { cursor } : undefined));
        expect(res.statusCode).toBe(200);
        expect(res.body.length).toBeLessThanOrEqual(20000);
        seen.push(...(JSON.parse(res.body) as { email: string }[]).map((s) => s.email));
        cursor = res.headers?.[NEXT_CURSOR_HEADER] as string | undefined;
        pages++;
      } while (cursor && pages < 100);
      expect(pages).toBeGreaterThan(2);
      expect(seen).toHaveLength(300);
      expect(new Set(seen).size).toBe(300);
    });

    test('?limit=N returns at most N, and X-Next-Cursor pages through everything exactly once', async () => {
      await putRaw(
        store,
        tableName,
        Array.from({ length: 23 }, (_, i) => studentItem(i)),
      );
      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      do {
        const { res, body } = await listAll({ limit: '5', ...(cursor ? { cursor } : {}) });
        expect(res.statusCode).toBe(200);
        sizes.push(body.length);
        seen.push(...body.map((s) => s.email as string));
        cursor = res.headers?.[NEXT_CURSOR_HEADER] as string | undefined;
      } while (cursor);
      expect(sizes).toEqual([5, 5, 5, 5, 3]);
      expect(new Set(seen).size).toBe(23);
    });

    test('a limit equal to the remaining count gives no cursor (no empty last page)', async () => {
      await putRaw(
        store,
        tableName,
        Array.from({ length: 10 }, (_, i) => studentItem(i)),
      );
      const first = await listAll({ limit: '5' });
      const cursor = first.res.headers?.[NEXT_CURSOR_HEADER] as string;
      expect(cursor).toEqual(expect.any(String));
      const second = await listAll({ limit: '5', cursor });
      expect(second.body).toHaveLength(5);
      expect(second.res.headers?.[NEXT_CURSOR_HEADER]).toBeUndefined();
    });

    test.each(['0', '1001', 'abc', '1.5', '-3', '', '10000000'])(
      'a bad limit (%p) answers 400 naming limit',
      async (limit) => {
        const { res, body } = await listAll({ limit });
        expect(res.statusCode).toBe(400);
        expectContractHeaders(res.headers);
        expect((body as unknown as { message: string }).message).toMatch(/limit/);
      },
    );

    test.each([
      'not-base64!',
      'e30',
      Buffer.from('{"email":5}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      'x'.repeat(2000),
    ])('a bad cursor (%p) answers 400 naming cursor', async (cursor) => {
      const { res, body } = await listAll({ cursor });
      expect(res.statusCode).toBe(400);
      expect((body as unknown as { message: string }).message).toMatch(/cursor/);
    });

    test('a legacy record with a Number age is listed with age as a string and does not break the list', async () => {
      await putRaw(store, tableName, [
        { email: { S: 'legacy@example.com' }, name: { S: 'Legacy' }, age: { N: '31' }, country: { S: 'Peru' } },
        studentItem(1),
      ]);
      const { res, body } = await listAll();
      expect(res.statusCode).toBe(200);
      expect(body).toHaveLength(2);
      expect(body.find((s) => s.email === 'legacy@example.com')).toEqual({
        email: 'legacy@example.com',
        name: 'Legacy',
        age: '31',
        country: 'Peru',
      });
      for (const s of body) for (const v of Object.values(s)) expect(typeof v).toBe('string');
    });
  });

  describe('POST /student', () => {
    test('signs up: 200, the exact success body, and exactly the four attributes stored', async () => {
      const res = await signup(postEvent(JSON.stringify({ ...valid, admin: true, extra: 'x' })));
      expect(res.statusCode).toBe(200);
      expectContractHeaders(res.headers);
      expect(res.body).toBe(JSON.stringify(SIGNUP_SUCCESS_MESSAGE));
      expect(await scanAll(store, tableName)).toEqual([valid]);
    });

    test('normalises: trims, stores age as its canonical string, lowercases the email', async () => {
      const res = await signup(
        postEvent(JSON.stringify({ name: '  Grace Hopper ', age: 85, email: ' Grace@Navy.MIL ', country: '\tUSA ' })),
      );
      expect(res.statusCode).toBe(200);
      expect(await scanAll(store, tableName)).toEqual([
        { name: 'Grace Hopper', age: '85', email: 'grace@navy.mil', country: 'USA' },
      ]);
      const again = await signup(postEvent(JSON.stringify({ ...valid, email: 'zero@example.com', age: '022' })));
      expect(again.statusCode).toBe(200);
      expect((await scanAll(store, tableName)).find((s) => s.email === 'zero@example.com')?.age).toBe('22');
    });

    test.each([
      ['text/plain (a CORS simple request any page can send)', 'text/plain'],
      ['a form post', 'application/x-www-form-urlencoded'],
      ['no Content-Type', undefined],
    ])('a body sent as %s answers 415 and writes nothing', async (_what, type) => {
      const event = buildProxyEvent({
        method: 'POST',
        resource: '/student',
        path: '/student',
        headers: type ? { 'Content-Type': type } : {},
        body: JSON.stringify(valid),
      });
      const res = await signup(event);
      expect([res.statusCode, JSON.parse(res.body).message]).toEqual([415, 'Content-Type must be application/json']);
      expect(await scanAll(store, tableName)).toEqual([]);
      const charset = buildProxyEvent({
        method: 'POST',
        resource: '/student',
        path: '/student',
        headers: { 'content-type': 'Application/JSON; charset=utf-8' },
        body: JSON.stringify(valid),
      });
      expect((await signup(charset)).statusCode).toBe(200);
    });

    test('decodes bodies marked isBase64Encoded', async () => {
      const res = await signup(postEvent(JSON.stringify(valid), { base64: true }));
      expect(res.statusCode).toBe(200);
      expect(await scanAll(store, tableName)).toEqual([valid]);
    });

    const bad: [string, string | null, RegExp][] = [
      ['invalid JSON', '{"name": "Ada",', /not valid JSON/],
      ['no body', null, /body is required/],
      ['an array', JSON.stringify([valid]), /JSON object/],
      ['null', 'null', /JSON object/],
      ['a number', '42', /JSON object/],
      ['a string', '"hello"', /JSON object/],
      ['a missing name', JSON.stringify({ ...valid, name: undefined }), /name: Enter a name/],
      ['a missing age', JSON.stringify({ ...valid, age: undefined }), /age: Enter your age/],
      ['a missing email', JSON.stringify({ ...valid, email: undefined }), /email: Enter an email address/],
      ['a missing country', JSON.stringify({ ...valid, country: undefined }), /country: Enter a country/],
      ['an empty name', JSON.stringify({ ...valid, name: '   ' }), /name: Enter a name/],
      ['a non-string name', JSON.stringify({ ...valid, name: 42 }), /name: Name must be text/],
      ['a non-string country', JSON.stringify({ ...valid, country: ['NO'] }), /country: Country must be text/],
      ['a non-string email', JSON.stringify({ ...valid, email: { a: 1 } }), /email: Email must be text/],
      ['a malformed email', JSON.stringify({ ...valid, email: 'ada@' }), /email: Enter the domain after the @/],
      ['an email without a dot', JSON.stringify({ ...valid, email: 'ada@localhost' }), /email: Enter the whole domain/],
      [
        'an email with spaces',
        JSON.stringify({ ...valid, email: 'a da@example.com' }),
        /email: Email must not contain spaces/,
      ],
      ['age 0', JSON.stringify({ ...valid, age: '0' }), /age: Enter your age as a whole number from 1 to 150, like 21/],
      [
        'age 151',
        JSON.stringify({ ...valid, age: 151 }),
        /age: Enter your age as a whole number from 1 to 150, like 21/,
      ],
      ['age 22.5', JSON.stringify({ ...valid, age: 22.5 }), /age: Enter your age as a whole number/],
      ['age "22.5"', JSON.stringify({ ...valid, age: '22.5' }), /age: Enter your age as a whole number/],
      ['age "abc"', JSON.stringify({ ...valid, age: 'abc' }), /age: Enter your age as a whole number/],
      ['age -5', JSON.stringify({ ...valid, age: -5 }), /age: Enter your age as a whole number/],
      ['age true', JSON.stringify({ ...valid, age: true }), /age: Enter your age as a whole number/],
      [
        'a name over 100 characters',
        JSON.stringify({ ...valid, name: 'n'.repeat(101) }),
        /name: Name must be 100 characters or fewer/,
      ],
      [
        'a country over 100 characters',
        JSON.stringify({ ...valid, country: 'c'.repeat(101) }),
        /country: Country must be 100 characters or fewer/,
      ],
      [
        'an email over 254 characters',
        JSON.stringify({ ...valid, email: `${'a'.repeat(60)}@${'b'.repeat(200)}.com` }),
        /email: (Email must be 254 characters or fewer|Each part of the domain)/,
      ],
      [
        'a control character in the name',
        JSON.stringify({ ...valid, name: 'Ada\u0000' }),
        /name: Name must not contain invisible characters: remove an invisible character \(U\+0000\) at character 4/,
      ],
    ];
    test.each(bad)(
      '%s answers 400 with a message naming the problem and writes nothing',
      async (_what, body, message) => {
        const res = await signup(postEvent(body));
        expect(res.statusCode).toBe(400);
        expectContractHeaders(res.headers);
        const parsed = JSON.parse(res.body) as { message: string };
        expect(parsed.message).toMatch(message);
        expect(res.body).not.toMatch(/at .*\.(js|ts):\d+/);
        expect(await scanAll(store, tableName)).toEqual([]);
      },
    );

    test('a body over the size limit answers 413 and writes nothing', async () => {
      const res = await signup(postEvent(JSON.stringify({ ...valid, padding: 'x'.repeat(MAX_BODY_BYTES) })));
      expect(res.statusCode).toBe(413);
      expect(JSON.parse(res.body).message).toMatch(/too large/);
      expect(await scanAll(store, tableName)).toEqual([]);
    });

    test('a registered email with other details, in any case or width, answers 409 and keeps the original', async () => {
      expect((await signup(postEvent(JSON.stringify(valid)))).statusCode).toBe(200);
      for (const email of ['ADA@example.com', 'ａｄａ@example.com']) {
        const res = await signup(postEvent(JSON.stringify({ ...valid, name: 'Impostor', email })));
        expect(res.statusCode).toBe(409);
        expectContractHeaders(res.headers);
        expect(JSON.parse(res.body)).toMatchObject({
          message: expect.stringMatching(/already registered/),
          errors: [{ field: 'email' }],
        });
      }
      expect(await scanAll(store, tableName)).toEqual([valid]);
    });

    test('a retry of the same signup (same details after normalising) answers 200 as the first did, and stores it once', async () => {
      expect((await signup(postEvent(JSON.stringify(valid)))).statusCode).toBe(200);
      const retry = await signup(
        postEvent(JSON.stringify({ ...valid, name: ' Ada Lovelace ', email: 'ADA@Example.com', age: 22 })),
      );
      expect([retry.statusCode, JSON.parse(retry.body)]).toEqual([200, SIGNUP_SUCCESS_MESSAGE]);
      expect(await scanAll(store, tableName)).toEqual([valid]);
    });

    test('a legacy record stored as sent (upper case, Number age) blocks a new spelling of its email', async () => {
      await putRaw(store, tableName, [
        {
          name: { S: 'Legacy Upper' },
          age: { N: '30' },
          email: { S: 'LEGACY-UPPER@EXAMPLE.COM' },
          country: { S: 'UK' },
        },
      ]);
      const same = await signup(
        postEvent(
          JSON.stringify({ name: 'Legacy Upper', age: '30', email: 'legacy-upper@example.com', country: 'UK' }),
        ),
      );
      expect(same.statusCode).toBe(200);
      const other = await signup(
        postEvent(
          JSON.stringify({ name: 'Someone Else', age: '30', email: 'Legacy-Upper@example.com', country: 'UK' }),
        ),
      );
      expect(other.statusCode).toBe(409);
      expect((await scanAll(store, tableName)).map((s) => s.email)).toEqual(['LEGACY-UPPER@EXAMPLE.COM']);
    });

    test('a list renders non-string legacy attributes as text or blank, never [object …]', async () => {
      await putRaw(store, tableName, [
        {
          name: { M: { first: { S: 'Ada' } } },
          age: { N: '36' },
          email: { S: 'odd@example.com' },
          country: { SS: ['UK', 'FR'] },
        },
        {
          name: { B: Buffer.from('hi') },
          age: { BOOL: true },
          email: { S: 'odd2@example.com' },
          country: { L: [{ S: 'x' }] },
        },
      ]);
      const res = await list(getEvent());
      const body = JSON.parse(res.body) as Record<string, string>[];
      expect(body.sort((a, b) => (a.email! < b.email! ? -1 : 1))).toEqual([
        { name: '', age: '', email: 'odd2@example.com', country: '' },
        { name: '', age: '36', email: 'odd@example.com', country: 'FR, UK' },
      ]);
      expect(res.body).not.toContain('[object');
    });
  });

  test('logs carry the request id and no personal data, one JSON object a line', async () => {
    const env = { endpoint: store.endpoint, tableName, extra: { LOG_LEVEL: 'info' } };
    const loggedSignup = loadHandler(variant, 'signup-students', env);
    const loggedList = loadHandler(variant, 'list-students', env);
    const event = postEvent(JSON.stringify(valid));
    expect((await loggedSignup(event)).statusCode).toBe(200);
    expect((await loggedSignup(postEvent(JSON.stringify({ ...valid, name: 'Other' })))).statusCode).toBe(409);
    expect((await loggedList(getEvent())).statusCode).toBe(200);
    // Output travels on a pipe beside the IPC answer, so it may trail it a little.
    const lines = () => [...loggedSignup.logLines, ...loggedList.logLines];
    for (let i = 0; i < 100 && !lines().some((l) => l.includes('listed students')); i++)
      await new Promise((r) => setTimeout(r, 20));
    const logged = lines().join('\n');
    expect(logged).toContain(event.requestContext.requestId);
    // Every line carries the Lambda request id, the function's name and whether it was a cold start.
    const parsed = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const line of parsed)
      expect(line).toMatchObject({
        lambdaRequestId: expect.any(String),
        functionName: expect.stringMatching(/students$/),
        coldStart: expect.any(Boolean),
      });
    expect(parsed.filter((l) => l.functionName === 'signup-students').map((l) => l.coldStart)).toEqual([true, false]);
    expect(logged).toContain('duplicate');
    expect(logged).not.toContain('ada@example.com');
    expect(logged).not.toContain('Lovelace');
    for (const line of lines()) expect(() => JSON.parse(line)).not.toThrow();
  });
});
