/**
 * Hostile input, generated: arbitrary JSON values, unicode and control characters, very long
 * strings, lone surrogates, odd numbers and nesting. Against the model, both handlers (in their
 * own processes, against dynalite) and the UI: never a 5xx, never an invalid record stored,
 * whatever is stored lists back exactly as stored, and the page always escapes.
 */
import { directoryAttributes } from '../core/directory';
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { LIMITS, STUDENT_FIELDS, validateStudent, type Student } from '../core/student';
import { buildProxyEvent } from '../scripts/local/proxy-event';
import { startBackend, type LocalBackend } from '../scripts/local/stack';
import { clearTable, loadHandler, scanAll, stopHandlers, type Handler } from './helpers/store';
import { TEST_FRONTEND_ENV } from './helpers/net';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);

/** Strings that stress text handling: any code unit (lone surrogates too), long runs, markup, digits. */
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 90, maxLength: 300 }),
  fc.constantFrom(
    '<script>alert(1)</script>',
    '"><img src=x onerror=alert(1)>',
    ' 22 ',
    '022',
    '1e2',
    'NaN',
    'Infinity',
    '-0',
    '0x10',
    '150',
    '151',
    ' a@b.co ',
    'A@B.CO',
    '\u0000',
    '\ud800',
  ),
  fc.emailAddress(),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(1e308, -1, 0, 150, 151, 22.5, Number.MAX_SAFE_INTEGER + 2),
);
const hostileValue = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
);
const hostileBody = fc.oneof(
  fc.record(
    { name: hostileValue, age: hostileValue, email: hostileValue, country: hostileValue },
    { requiredKeys: [] },
  ),
  fc.record({
    name: fc.string({ minLength: 1, maxLength: 30 }),
    age: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.integer({ min: -5, max: 200 }).map(String)),
    email: fc.emailAddress(),
    country: hostileString,
  }),
  fc.jsonValue({ maxDepth: 4 }),
);

function isValidStored(s: Record<string, unknown>): boolean {
  if (Object.keys(s).sort().join() !== [...STUDENT_FIELDS].sort().join()) return false;
  const { name, age, email, country } = s as Student;
  const ok = (v: unknown, max: number) =>
    typeof v === 'string' && v === v.trim() && v.length > 0 && [...v].length <= max && v.isWellFormed();
  return (
    ok(name, LIMITS.name) &&
    ok(country, LIMITS.country) &&
    ok(email, LIMITS.email) &&
    email === email.toLowerCase() &&
    /^[1-9]\d{0,2}$/.test(age) &&
    Number(age) <= LIMITS.ageMax
  );
}

describe('student model', () => {
  test('never throws; accepts only valid, normalised records; normalising twice changes nothing', () => {
    fc.assert(
      fc.property(hostileBody, (body) => {
        const r = validateStudent(body);
        if (!r.ok) return r.message.length > 0;
        const again = validateStudent(r.student);
        return isValidStored(r.student) && again.ok && JSON.stringify(again.student) === JSON.stringify(r.student);
      }),
      { numRuns: RUNS * 10 },
    );
  });
});

describe('handlers against dynalite', () => {
  let backend: LocalBackend;
  let signup: Handler;
  let list: Handler;
  beforeAll(async () => {
    backend = await startBackend({ apiPort: 0 });
    const env = { endpoint: backend.data.endpoint, tableName: backend.tableName };
    signup = loadHandler('bundle', 'signup-students', env);
    list = loadHandler('bundle', 'list-students', env);
  });
  afterAll(async () => {
    await stopHandlers();
    await backend.stop();
  });

  test('POST: never a 5xx; 200 stores exactly the normalised record; anything else stores nothing', async () => {
    await clearTable(backend.data, backend.tableName);
    const stored = new Map<string, Student>();
    await fc.assert(
      fc.asyncProperty(hostileBody, fc.boolean(), async (body, asText) => {
        const raw = asText && typeof body === 'string' ? body : JSON.stringify(body);
        const res = await signup(
          buildProxyEvent({
            method: 'POST',
            resource: '/student',
            path: '/student',
            headers: { 'Content-Type': 'application/json' },
            body: raw ?? 'null',
          }),
        );
        if (res.statusCode >= 500) return false;
        const expected = validateStudent(body);
        if (res.statusCode === 200) {
          if (!expected.ok) return false;
          stored.set(expected.student.email, expected.student);
        } else if (res.statusCode === 409) {
          if (!expected.ok || !stored.has(expected.student.email)) return false;
        } else if (res.statusCode !== 400 && res.statusCode !== 413) return false;
        return typeof JSON.parse(res.body).message === 'string' || res.statusCode === 200;
      }),
      { numRuns: RUNS },
    );
    expect(stored.size).toBeGreaterThan(0); // the generators reach the accepting path too
    const inTable = await scanAll(backend.data, backend.tableName);
    expect(inTable.every(isValidStored)).toBe(true);
    // Each accepted signup is in the name order: its index keys are there, and right.
    for (const item of await scanAll(backend.data, backend.tableName, { raw: true }))
      expect(item).toMatchObject(directoryAttributes(item as Student));
    expect(new Map(inTable.map((s) => [s.email as string, s]))).toEqual(stored);
    // Whatever is stored lists back exactly as stored.
    const listed = JSON.parse(
      (await list(buildProxyEvent({ method: 'GET', resource: '/student', path: '/student' }))).body,
    ) as Student[];
    expect(new Map(listed.map((s) => [s.email, s]))).toEqual(stored);
  });

  test('GET: any limit or cursor answers 200 or 400, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.option(hostileString, { nil: undefined }),
        fc.option(hostileString, { nil: undefined }),
        async (limit, cursor) => {
          const query: Record<string, string> = {};
          if (limit !== undefined) query.limit = limit;
          if (cursor !== undefined) query.cursor = cursor;
          const res = await list(buildProxyEvent({ method: 'GET', resource: '/student', path: '/student', query }));
          return res.statusCode === 200 || res.statusCode === 400;
        },
      ),
      { numRuns: RUNS },
    );
  });
});

describe('UI forms', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    backend = await startBackend({ apiPort: 0 });
  });
  afterAll(() => backend.stop());

  test('never a 500, and what was typed comes back escaped', async () => {
    const app = createApp(
      loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({ name: hostileString, age: hostileString, email: hostileString, country: hostileString }),
        async (fields) => {
          // A marker that would be live markup if any field were echoed unescaped.
          const marker = `<i data-m="${++n}">`;
          const form = { ...fields, name: `${fields.name}${marker}` };
          const res = await request(app).post('/students').type('form').send(form);
          if (res.status >= 500) return false;
          return res.status === 303 || !res.text.includes(marker);
        },
      ),
      { numRuns: RUNS },
    );
    // Names that were accepted carry the marker into the list: it must show as text there too.
    const page = await request(app).get('/').expect(200);
    expect(page.text).not.toContain('<i data-m=');
  });
});
