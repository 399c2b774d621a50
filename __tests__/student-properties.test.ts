/**
 * Properties of the student model over generated input (fast-check): normalising is idempotent,
 * spellings that normalise alike are one student, nothing invisible is ever accepted (a joiner between letters aside), and every
 * accepted value submits again successfully. PROPERTY_RUNS sets the number of runs.
 */
import fc from 'fast-check';
import { canonicalEmail, STUDENT_FIELDS, validateStudent } from '../core/student';

const runs = Number(process.env.PROPERTY_RUNS ?? 300);
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
const JOINER_IN_WORD = /(?<=[\p{L}\p{M}])[\u200C\u200D](?=[\p{L}\p{M}])/gu;

/** Text with the characters that make trouble mixed in: invisible ones, fullwidth, combining marks, case pairs. */
const tricky = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'a',
        'Z',
        'é',
        'e\u0301',
        'ß',
        'Σ',
        'ς',
        'σ',
        'İ',
        'ｇ',
        '\u200B',
        '\u200D',
        '\u200C',
        'ی',
        '\u00AD',
        '\u202E',
        '\uFE0F',
        '\u3164',
        '\u2800',
        ' ',
        '.',
        '1',
        '@',
        '-',
        '+',
      ),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

const email = fc
  .tuple(tricky, fc.constantFrom('example.com', 'EXAMPLE.org', 'xn--bcher-kva.de', 'ex..com', 'b'))
  .map(([local, domain]) => `${local}@${domain}`);
const student = fc.record({
  name: tricky,
  age: fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), tricky),
  email,
  country: tricky,
});

test('normalising is idempotent: an accepted student validates to itself', () => {
  fc.assert(
    fc.property(student, (input) => {
      const once = validateStudent(input);
      if (!once.ok) return;
      expect(validateStudent(once.student)).toEqual(once);
    }),
    { numRuns: runs },
  );
});

test('two spellings that normalise to the same email are one student (one key)', () => {
  fc.assert(
    fc.property(tricky, (local) => {
      const variants = [
        local,
        local.toUpperCase(),
        local.toLowerCase(),
        local.normalize('NFKD'),
        local.normalize('NFKC'),
      ].map((l) => validateStudent({ name: 'A', age: '20', email: `${l}@example.com`, country: 'UK' }));
      const keys = new Set(variants.filter((v) => v.ok).map((v) => (v.ok ? v.student.email : '')));
      const canon = new Set(variants.filter((v) => v.ok).map((v) => (v.ok ? canonicalEmail(v.student.email) : '')));
      expect(keys.size).toBeLessThanOrEqual(1);
      expect(canon).toEqual(keys);
    }),
    { numRuns: runs },
  );
});

test('no accepted field contains a control or format character, save a joiner between two letters of a name or country', () => {
  fc.assert(
    fc.property(student, (input) => {
      const r = validateStudent(input);
      if (!r.ok) return;
      for (const f of STUDENT_FIELDS) {
        const allowed = f === 'name' || f === 'country' ? r.student[f].replace(JOINER_IN_WORD, '') : r.student[f];
        expect(INVISIBLE.test(allowed)).toBe(false);
      }
    }),
    { numRuns: runs },
  );
});

test('every accepted value submits again successfully, and a refusal always names a field', () => {
  fc.assert(
    fc.property(student, (input) => {
      const r = validateStudent(input);
      if (r.ok) expect(validateStudent({ ...r.student }).ok).toBe(true);
      else expect(r.errors.every((e) => STUDENT_FIELDS.includes(e.field))).toBe(true);
    }),
    { numRuns: runs },
  );
});
