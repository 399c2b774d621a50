/** Unit tests of the shared student model (no network). */
import { API_ROUTES } from '../core/contract';
import { assertObjectModels, objectBodyProblem } from '../scripts/local/request-model';
import { LIMITS, STUDENT_REQUEST_SCHEMA, validateStudent } from '../core/student';

const valid = { name: 'Ada', age: '22', email: 'ada@example.com', country: 'UK' };

describe('validateStudent', () => {
  test('accepts a valid signup and drops other fields', () => {
    expect(validateStudent({ ...valid, role: 'admin' })).toEqual({ ok: true, student: valid });
  });

  test.each([
    [{ age: 22 }, { age: '22' }],
    [{ age: ' 07 ' }, { age: '7' }],
    [{ age: 150 }, { age: '150' }],
    [{ email: '  Ada@Example.COM ' }, { email: 'ada@example.com' }],
    [{ name: '  Ada  Lovelace ' }, { name: 'Ada  Lovelace' }],
    [{ name: 'Cafe\u0301' }, { name: 'Café' }],
  ])('normalises %p to %p', (input, expected) => {
    const result = validateStudent({ ...valid, ...input });
    expect(result).toEqual({ ok: true, student: { ...valid, ...expected } });
  });

  test('counts characters, not UTF-16 units: 100 astral letters fit a name', () => {
    expect(validateStudent({ ...valid, name: '𠀀'.repeat(LIMITS.name) }).ok).toBe(true);
    expect(validateStudent({ ...valid, name: '𠀀'.repeat(LIMITS.name + 1) }).ok).toBe(false);
  });

  test('rejects lone surrogates, which would not survive storage intact', () => {
    const result = validateStudent({ ...valid, country: 'No\ud800rway' });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ field: 'country', message: 'Country contains characters that are not text' }],
    });
  });

  test('reports every invalid field, each with its field name, and one message naming all', () => {
    const result = validateStudent({ name: '', age: 'old', email: 'nope', country: 7 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['name', 'age', 'email', 'country']);
    expect(result.message).toBe(result.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  });

  test.each([null, [], 'x', 3, true])('rejects a body that is not an object (%p)', (input) => {
    expect(validateStudent(input)).toMatchObject({
      ok: false,
      errors: [],
      message: expect.stringMatching(/JSON object/),
    });
  });

  test.each(['a@b.co', 'first.last+tag@sub.example.org', 'x@xn--bcher-kva.example'])(
    'accepts the email %p',
    (email) => {
      expect(validateStudent({ ...valid, email }).ok).toBe(true);
    },
  );

  test.each([
    'a@b',
    'a@@b.com',
    '@b.com',
    'a b@c.com',
    'a@b..com',
    'a@-b.com',
    'a@b.c',
    `${'x'.repeat(65)}@b.com`,
    'a<b>@c.com',
  ])('rejects the email %p', (email) => {
    expect(validateStudent({ ...valid, email })).toMatchObject({ ok: false, errors: [{ field: 'email' }] });
  });
});

describe('one identity per email (findings of the integrity review)', () => {
  const email = (e: string) => validateStudent({ ...valid, email: e });
  test.each([
    ['grace\u200D@example.com', 'the zero-width joiner (U+200D) at character 6'],
    ['gra\u00ADce@example.com', 'the soft hyphen (U+00AD) at character 4'],
    ['grace\uFE0F@example.com', 'an invisible character (U+FE0F) at character 6'],
    ['\u202Eecarg@example.com', 'the right-to-left override (U+202E) at character 1'],
    ['\u200B@example.com', 'the zero-width space (U+200B) at character 1'],
    ['gr\u200Bace@example.com', 'the zero-width space (U+200B) at character 3'],
    ['grace\u{E0041}@example.com', 'an invisible character (U+E0041) at character 6'],
  ])('%p is refused, naming the field, the character and where it is', (e, what) => {
    expect(email(e)).toMatchObject({
      ok: false,
      errors: [{ field: 'email', message: `Email must not contain invisible characters: remove ${what}` }],
    });
  });

  test('fullwidth letters, case and final sigma are one spelling', () => {
    expect(email('ｇｒａｃｅ@example.com')).toMatchObject({ ok: true, student: { email: 'grace@example.com' } });
    expect(email('GRACE@EXAMPLE.COM')).toMatchObject({ ok: true, student: { email: 'grace@example.com' } });
    const [upper, lower] = [email('ΑΣ@example.com'), email('ασ@example.com')];
    expect(upper.ok && lower.ok && upper.student.email === lower.student.email).toBe(true);
    expect(email('Straße@example.com')).toMatchObject({ ok: true, student: { email: 'strasse@example.com' } });
  });

  test('a local part that mixes alphabets (a Cyrillic а among Latin letters) is refused', () => {
    expect(email('gr\u0430ce@example.com')).toMatchObject({
      ok: false,
      errors: [{ field: 'email', message: expect.stringMatching(/mixes alphabets/) }],
    });
    expect(email('\u0433\u0440\u0435\u0439\u0441@example.com').ok).toBe(true);
  });

  test.each([
    '..@example.com',
    '.grace@example.com',
    'grace.@example.com',
    'gr..ace@example.com',
    `grace@${'a'.repeat(64)}.com`,
    'grace@bücher.de',
    'grace@localhost',
  ])('malformed %p is refused', (e) => expect(email(e)).toMatchObject({ ok: false, errors: [{ field: 'email' }] }));

  test('every limit applies after normalisation: a 32-İ local part folds to 64 code points', () => {
    const long = `${'İ'.repeat(32)}@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(40)}.com`;
    const result = email(long);
    expect(result.ok).toBe(false);
  });

  test.each([['\u200B'], ['\u3164'], ['\u2800'], ['\u00AD'], ['\u115F\u1160'], ['   ']])(
    'a name that displays as blank (%p) is refused',
    (name) => {
      expect(validateStudent({ ...valid, name })).toMatchObject({ ok: false, errors: [{ field: 'name' }] });
      expect(validateStudent({ ...valid, country: name })).toMatchObject({ ok: false, errors: [{ field: 'country' }] });
    },
  );

  test.each([
    ['Persian (a non-joiner inside a word)', 'علی\u200Cرضا'],
    ['Devanagari (a joiner after a virama)', 'क्\u200Dष'],
    ['Malayalam (a joiner in a chillu)', 'ന്\u200D'.concat('മ')],
  ])('a name in %s keeps its joiner and is accepted', (_script, name) => {
    const checked = validateStudent({ ...valid, name, country: name });
    expect(checked).toMatchObject({ ok: true, student: { name, country: name } });
  });

  test.each([
    [
      'a joiner at the start',
      '\u200DAda',
      'the zero-width joiner (U+200D) at character 1, which may only stand between two letters',
    ],
    [
      'a non-joiner before a space',
      'Ada\u200C Lovelace',
      'the zero-width non-joiner (U+200C) at character 4, which may only stand between two letters',
    ],
    [
      'a joiner in an emoji sequence',
      'Ada 👩\u200D💻',
      'the zero-width joiner (U+200D) at character 6, which may only stand between two letters',
    ],
    ['a bidi override between letters', 'Ad\u202Ea', 'the right-to-left override (U+202E) at character 3'],
    ['a left-to-right mark between letters', 'Ad\u200Ea', 'the left-to-right mark (U+200E) at character 3'],
  ])('a name with %s is refused, naming the character and where it is', (_what, name, described) => {
    expect(validateStudent({ ...valid, name })).toMatchObject({
      ok: false,
      errors: [{ field: 'name', message: `Name must not contain invisible characters: remove ${described}` }],
    });
  });

  test('a stored student validates to itself (normalising is idempotent)', () => {
    const once = validateStudent({
      name: ' Zoë ',
      age: ' 07',
      email: 'Ａda.Straße@Example.COM',
      country: 'Deutschland',
    });
    expect(once.ok).toBe(true);
    if (once.ok) expect(validateStudent(once.student)).toEqual(once);
  });
});

describe('the request model, as the local gateway checks it', () => {
  test("it asks for a JSON object only (field rules are the handler's), and the local gateway checks exactly that", () => {
    expect(() => assertObjectModels(API_ROUTES)).not.toThrow();
    expect(['{}', '{"name":1}'].map(objectBodyProblem)).toEqual([undefined, undefined]);
    expect(['[1]', '"text"', 'null', '{"a":'].map(objectBodyProblem)).toEqual([
      '$: expected object',
      '$: expected object',
      '$: expected object',
      'Invalid JSON in request body',
    ]);
  });
  test('a model that asks for more would be let through locally: the gateway refuses to start with it', () => {
    const post = API_ROUTES.find((r) => r.method === 'POST')!;
    const stricter = { ...post, bodySchema: { ...STUDENT_REQUEST_SCHEMA, required: ['name'] } };
    expect(() => assertObjectModels([stricter])).toThrow(/"type: object" only; the POST model also has required/);
  });
});
