/** Unit tests of the shared student model (no network). */
import { LIMITS, STUDENT_REQUEST_SCHEMA, validateStudent } from '../lambdas/shared/student';

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

  test('counts characters, not UTF-16 units: 100 emoji fit a name', () => {
    expect(validateStudent({ ...valid, name: '😀'.repeat(LIMITS.name) }).ok).toBe(true);
    expect(validateStudent({ ...valid, name: '😀'.repeat(LIMITS.name + 1) }).ok).toBe(false);
  });

  test('rejects lone surrogates, which would not survive storage intact', () => {
    const result = validateStudent({ ...valid, country: 'No\ud800rway' });
    expect(result).toMatchObject({
      ok: false,
      errors: [{ field: 'country', message: 'Country contains invalid characters' }],
    });
  });

  test('reports every invalid field, each with its field name, and one message naming all', () => {
    const result = validateStudent({ name: '', age: 'old', email: 'nope', country: 7 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['name', 'age', 'email', 'country']);
    expect(result.message).toBe(result.errors.map((e) => e.message).join('; '));
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

describe('STUDENT_REQUEST_SCHEMA', () => {
  test('requires exactly the model fields', () => {
    expect([...STUDENT_REQUEST_SCHEMA.required].sort()).toEqual(['age', 'country', 'email', 'name']);
    expect(Object.keys(STUDENT_REQUEST_SCHEMA.properties).sort()).toEqual(['age', 'country', 'email', 'name']);
  });
});
