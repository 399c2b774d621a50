/**
 * The student model: fields, limits, normalisation and validation messages.
 * The signup Lambda, the frontend and the API's request model all use it.
 */

export const STUDENT_FIELDS = ['name', 'age', 'email', 'country'] as const;
export type StudentField = (typeof STUDENT_FIELDS)[number];

/** A stored student: every value a string, as the reference design stores it. */
export type Student = Record<StudentField, string>;

export const LIMITS = {
  name: 100,
  country: 100,
  email: 254,
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

// One '@', no whitespace, a dotted domain whose labels are letters, digits and hyphens.
const EMAIL_PATTERN = /^[^\s@"<>()[\]\\,;:]+@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const EMAIL_LOCAL_MAX = 64;
// C0/C1 control characters, and the line/paragraph separators.
const CONTROL_CHARS = /[\p{Cc}\u2028\u2029]/u;
const AGE_PATTERN = /^\d{1,3}$/;

function textLength(value: string): number {
  // Characters as a person counts them (code points), not UTF-16 units.
  let n = 0;
  for (const _ of value) n++;
  return n;
}

function readText(field: 'name' | 'country' | 'email', raw: unknown, max: number): string | FieldError {
  const label = FIELD_LABELS[field];
  if (raw === undefined || raw === null) return { field, message: `${label} is required` };
  if (typeof raw !== 'string') return { field, message: `${label} must be a string` };
  if (!raw.isWellFormed()) return { field, message: `${label} contains invalid characters` };
  const value = raw.trim().normalize('NFC');
  if (value === '') return { field, message: `${label} is required` };
  if (CONTROL_CHARS.test(value)) return { field, message: `${label} must not contain control characters` };
  if (textLength(value) > max) return { field, message: `${label} must be at most ${max} characters` };
  return value;
}

function readAge(raw: unknown): string | FieldError {
  const field = 'age';
  const range = `an integer from ${LIMITS.ageMin} to ${LIMITS.ageMax}`;
  let n: number;
  if (raw === undefined || raw === null) return { field, message: 'Age is required' };
  if (typeof raw === 'number') {
    n = raw;
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return { field, message: 'Age is required' };
    if (!AGE_PATTERN.test(text)) return { field, message: `Age must be ${range}` };
    n = Number(text);
  } else {
    return { field, message: `Age must be ${range}` };
  }
  if (!Number.isInteger(n) || n < LIMITS.ageMin || n > LIMITS.ageMax) return { field, message: `Age must be ${range}` };
  return String(n);
}

function readEmail(raw: unknown): string | FieldError {
  const value = readText('email', raw, LIMITS.email);
  if (typeof value !== 'string') return value;
  const email = value.toLowerCase();
  const at = email.indexOf('@');
  if (!EMAIL_PATTERN.test(email) || at > EMAIL_LOCAL_MAX) {
    return { field: 'email', message: 'Email must be a valid email address, like name@example.com' };
  }
  return email;
}

/**
 * Validates and normalises a signup. Surrounding whitespace is trimmed, age becomes its
 * canonical decimal string, the email is lowercased, and fields other than the four are dropped.
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
  if (errors.length > 0) return { ok: false, message: errors.map((e) => e.message).join('; '), errors };
  return { ok: true, student: results as Student };
}

/**
 * JSON schema (draft-04, as API Gateway models use) for the POST body. It is a coarse gate
 * that rejects malformed bodies before the Lambda runs; the handler's validation above is
 * the authority (trimming, email syntax, age range).
 */
export const STUDENT_REQUEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'StudentSignup',
  type: 'object',
  required: [...STUDENT_FIELDS],
  properties: {
    name: { type: 'string', minLength: 1 },
    age: { type: ['string', 'integer'] },
    email: { type: 'string', minLength: 3 },
    country: { type: 'string', minLength: 1 },
  },
} as const;
