/**
 * The student model: fields, limits, normalisation and validation messages. The signup Lambda,
 * the frontend's form, the API's request model and the migration of legacy records all use it.
 *
 * One identity per email: an email is NFKC-normalised and case-folded, so two spellings that
 * differ only in case or compatibility form (fullwidth letters, ligatures, final sigma) are one
 * student. Invisible characters (Unicode Cc and Cf: zero-width, bidi controls, soft hyphen,
 * tags; and variation selectors) are refused in every field, naming the character and where it
 * is, except the zero-width non-joiner and joiner between two letters of a name or country, which
 * Persian and Indic scripts need inside words ("علی‌رضا"). A local part may not mix
 * alphabets (a Cyrillic "а" among Latin letters). Domains are ASCII: an internationalised domain
 * is accepted in its punycode form (`xn--…`). Every limit applies to the normalised value.
 */

import { findInvisible } from './invisible';

export const STUDENT_FIELDS = ['name', 'age', 'email', 'country'] as const;
export type StudentField = (typeof STUDENT_FIELDS)[number];

/** A stored student: every value a string, as the reference design stores it. */
export type Student = Record<StudentField, string>;

export const LIMITS = {
  name: 100,
  country: 100,
  email: 254,
  /** Of the local part, in UTF-8 bytes (RFC 5321's 64 octets). */
  emailLocal: 64,
  domainLabel: 63,
  ageMin: 1,
  ageMax: 150,
} as const;

/** Labels as the reference form shows them. */
export const FIELD_LABELS: Readonly<Record<StudentField, string>> = {
  name: 'Name',
  age: 'Age',
  email: 'Email',
  country: 'Country',
};

export interface FieldError {
  readonly field: StudentField;
  readonly message: string;
}

export type ValidationResult =
  | { readonly ok: true; readonly student: Student }
  | {
      readonly ok: false;
      /** One sentence naming every problem, for an API error body. */
      readonly message: string;
      /** The problems field by field (empty when the body is not an object at all). */
      readonly errors: readonly FieldError[];
    };

export const NOT_AN_OBJECT_MESSAGE = 'The request body must be a JSON object with name, age, email and country';

/** Letters that render as blank space (Hangul fillers) and the blank braille pattern. */
const BLANK_LOOKING = /[\u115F\u1160\u3164\uFFA0\u2800]/gu;
const VISIBLE = /[\p{L}\p{N}]/u;
const AGE_PATTERN = /^\d{1,3}$/;
const LOCAL_ATOM = /^[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~-]+$/u;
const DOMAIN_LABEL = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)$/;
const TOP_LEVEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
/** Scripts a local part is checked against: more than one of them (Japanese and Korean mixes aside) is refused. */
const SCRIPTS = [
  'Latin',
  'Greek',
  'Cyrillic',
  'Armenian',
  'Hebrew',
  'Arabic',
  'Devanagari',
  'Thai',
  'Georgian',
  'Hangul',
  'Han',
  'Hiragana',
  'Katakana',
].map((name) => [name, new RegExp(`\\p{Script=${name}}`, 'u')] as const);
const COMPATIBLE_SCRIPTS = [new Set(['Han', 'Hiragana', 'Katakana']), new Set(['Han', 'Hangul'])];

function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Trimmed, NFC, invisible characters refused: the shared start of every text field. */
function readString(field: StudentField, raw: unknown): string | FieldError {
  const label = FIELD_LABELS[field];
  if (raw === undefined || raw === null) return { field, message: `Enter ${article(field)}` };
  if (typeof raw !== 'string') return { field, message: `${label} must be text` };
  // Noncharacters (U+FFFF and kin) are for software's own use, never text a person types.
  if (!raw.isWellFormed() || /\p{Noncharacter_Code_Point}/u.test(raw))
    return { field, message: `${label} contains characters that are not text` };
  const value = raw.normalize('NFC').trim();
  if (value === '') return { field, message: `Enter ${article(field)}` };
  const invisible = findInvisible(value, field === 'name' || field === 'country');
  if (invisible) return { field, message: `${label} must not contain invisible characters: remove ${invisible}` };
  return value;
}

function article(field: StudentField): string {
  return field === 'email' ? 'an email address' : field === 'age' ? 'your age' : `a ${field}`;
}

function readText(field: 'name' | 'country', raw: unknown, max: number): string | FieldError {
  const value = readString(field, raw);
  if (typeof value !== 'string') return value;
  if (!VISIBLE.test(value.replace(BLANK_LOOKING, '')))
    return { field, message: `${FIELD_LABELS[field]} must contain a letter or a digit` };
  if (codePoints(value) > max) return { field, message: `${FIELD_LABELS[field]} must be ${max} characters or fewer` };
  return value;
}

function readAge(raw: unknown): string | FieldError {
  const field = 'age';
  const message = `Enter your age as a whole number from ${LIMITS.ageMin} to ${LIMITS.ageMax}, like 21`;
  let n: number;
  if (raw === undefined || raw === null) return { field, message: 'Enter your age' };
  if (typeof raw === 'number') {
    n = raw;
  } else if (typeof raw === 'string') {
    const text = raw.normalize('NFKC').trim();
    if (text === '') return { field, message: 'Enter your age' };
    if (!AGE_PATTERN.test(text)) return { field, message };
    n = Number(text);
  } else {
    return { field, message };
  }
  if (!Number.isInteger(n) || n < LIMITS.ageMin || n > LIMITS.ageMax) return { field, message };
  return String(n);
}

/**
 * The one spelling of an email: NFKC, then full case folding (JavaScript has lower-casing, not
 * folding: upper-casing first folds ß to ss and ſ to s, and final sigma folds to σ).
 */
export function canonicalEmail(value: string): string {
  return value.normalize('NFKC').toUpperCase().toLowerCase().replace(/ς/g, 'σ').normalize('NFC');
}

function scriptsOf(text: string): Set<string> {
  const found = new Set<string>();
  for (const ch of text) for (const [name, pattern] of SCRIPTS) if (pattern.test(ch)) found.add(name);
  return found;
}

function emailProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0 || email.indexOf('@') !== at) return 'Enter an email address with one @, like name@example.com';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (Buffer.byteLength(local, 'utf8') > LIMITS.emailLocal)
    return `The part before the @ must be ${LIMITS.emailLocal} bytes or fewer`;
  const atoms = local.split('.');
  if (atoms.some((a) => a === ''))
    return 'The part before the @ must not start or end with a dot, or have two dots in a row';
  if (!atoms.every((a) => LOCAL_ATOM.test(a)))
    return 'The part before the @ has a character an email address cannot have';
  const scripts = scriptsOf(local);
  if (scripts.size > 1 && !COMPATIBLE_SCRIPTS.some((ok) => [...scripts].every((s) => ok.has(s)))) {
    return 'The part before the @ mixes alphabets (for example a Cyrillic letter among Latin ones)';
  }
  if (domain === '') return 'Enter the domain after the @, like name@example.com';
  if (!/^[\x21-\x7e]+$/.test(domain))
    return 'Enter the domain in its ASCII form (an internationalised domain as xn--…)';
  const labels = domain.split('.');
  if (labels.length < 2) return 'Enter the whole domain, like example.com';
  if (labels.some((l) => l.length === 0 || l.length > LIMITS.domainLabel))
    return `Each part of the domain must be 1 to ${LIMITS.domainLabel} characters`;
  if (!labels.every((l) => DOMAIN_LABEL.test(l)) || !TOP_LEVEL.test(labels[labels.length - 1] as string)) {
    return 'Enter an email address like name@example.com';
  }
  return undefined;
}

/** The email rules of a signup, on one value: its one spelling, or the field error. */
export function readEmail(raw: unknown): string | FieldError {
  const value = readString('email', raw);
  if (typeof value !== 'string') return value;
  const email = canonicalEmail(value);
  const invisible = findInvisible(email);
  if (invisible) return { field: 'email', message: `Email must not contain invisible characters: remove ${invisible}` };
  if (/\s/u.test(email)) return { field: 'email', message: 'Email must not contain spaces' };
  if (codePoints(email) > LIMITS.email)
    return { field: 'email', message: `Email must be ${LIMITS.email} characters or fewer` };
  const problem = emailProblem(email);
  return problem ? { field: 'email', message: problem } : email;
}

/**
 * Validates and normalises a signup: trimmed, NFC, age as its canonical decimal string, the
 * email in its one spelling, fields other than the four dropped. Normalising is idempotent: a
 * stored student validates to itself.
 */
export function validateStudent(input: unknown): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, message: NOT_AN_OBJECT_MESSAGE, errors: [] };
  }
  const body = input as Record<string, unknown>;
  const results = {
    name: readText('name', body.name, LIMITS.name),
    age: readAge(body.age),
    email: readEmail(body.email),
    country: readText('country', body.country, LIMITS.country),
  };
  const errors = STUDENT_FIELDS.map((f) => results[f]).filter((r): r is FieldError => typeof r !== 'string');
  if (errors.length > 0)
    return { ok: false, message: errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors };
  return { ok: true, student: results as Student };
}

/** Whether two students are the same registration (the values as stored). */
/**
 * A record as stored, validated as a student: legacy numbers (read as NumberValue) and sets are
 * read as their text, and the model decides what is valid. Signup, removal and the backfill read
 * stored records this one way.
 */
export function validateStored(item: Record<string, unknown>): ValidationResult {
  return validateStudent(
    Object.fromEntries(Object.entries(item).map(([k, v]) => [k, typeof v === 'object' && v !== null ? String(v) : v])),
  );
}

export function sameStudent(a: Student, b: Student): boolean {
  return STUDENT_FIELDS.every((f) => a[f] === b[f]);
}

/**
 * JSON schema (draft-04) of the API's request model: the gateway refuses a body that is not a
 * JSON object before any Lambda runs. Every field rule is the handler's (above), so every field
 * error, deployed or local, names its field in the same words.
 */
export const STUDENT_REQUEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'StudentSignup',
  type: 'object',
} as const;
