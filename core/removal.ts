/**
 * A staff member's request to remove a student (the right to erasure): `DELETE /student` with
 * `{ "email": …, "requestedBy": … }`, sent by the portal for a signed-in staff member. The audit
 * record of a removal names who, when, and which record by a digest of its key, so the log never
 * holds the removed values, yet the question "was this address removed?" can be answered by
 * computing the digest of that address.
 */
import { createHash } from 'node:crypto';
import { readEmail } from './student';

/** A field the removal request got wrong, and why. */
export interface RemovalFieldError {
  readonly field: 'email' | 'requestedBy';
  readonly message: string;
}

export interface RemovalRequest {
  readonly email: string;
  /** Who asked: the staff member's email (or subject), as the portal verified it. */
  readonly requestedBy: string;
}

export type RemovalResult =
  | { readonly ok: true; readonly request: RemovalRequest }
  | { readonly ok: false; readonly message: string; readonly errors: RemovalFieldError[] };

export const REMOVAL_NOT_AN_OBJECT = 'The request body must be a JSON object with email and requestedBy';

export function validateRemoval(input: unknown): RemovalResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, message: REMOVAL_NOT_AN_OBJECT, errors: [] };
  const body = input as Record<string, unknown>;
  const errors: RemovalFieldError[] = [];
  const email = readEmail(body.email);
  if (typeof email !== 'string') errors.push({ field: 'email', message: email.message });
  const by = typeof body.requestedBy === 'string' ? body.requestedBy.trim() : '';
  if (by === '' || by.length > 254)
    errors.push({ field: 'requestedBy', message: 'requestedBy must name the staff member, 1 to 254 characters' });
  if (errors.length > 0 || typeof email !== 'string')
    return { ok: false, message: errors.map((e) => e.message).join('; '), errors };
  return { ok: true, request: { email, requestedBy: by } };
}

/** Which record, in the audit log: the SHA-256 of its key, never the key itself. */
export function recordDigest(email: string): string {
  return createHash('sha256').update(email).digest('hex');
}

/** The gateway's request model for a removal: a JSON object; the handler checks each field. */
export const REMOVAL_REQUEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'StudentRemoval',
  type: 'object',
} as const;
