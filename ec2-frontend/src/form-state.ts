/**
 * Post/redirect/get for forms that fail: the answer to a failed signup or search is a redirect,
 * and what the next page shows (the values typed, the errors) travels in a short-lived sealed
 * cookie that the page reads once and clears. Back and Refresh then never ask to resubmit, and
 * nothing typed is in a URL. HttpOnly, SameSite=Lax, ten minutes.
 */
import type { Request, Response } from 'express';
import { STUDENT_FIELDS, type StudentField } from '../../core/student';
import { cookieOf, setCookie } from './cookies';
import type { Sealer } from './seal';

const FORM_COOKIE = 'form';
const MAX_AGE_SECONDS = 600;

/** What went wrong with a signup: the values as typed and the errors, field by field. */
export interface FailedSignup {
  readonly kind: 'signup';
  readonly values: Partial<Record<StudentField, string>>;
  readonly fieldErrors: Partial<Record<StudentField, string>>;
  /** A validation problem of the whole form (a duplicate's next step). */
  readonly formError?: string;
  /** The service failed: `not-saved` (certainly not stored) or `unknown` (perhaps stored). */
  readonly service?: 'not-saved' | 'unknown';
}

/** A search the portal could not run: the text and why. */
export interface FailedSearch {
  readonly kind: 'search';
  readonly q: string;
  readonly error: string;
}

export type FailedForm = FailedSignup | FailedSearch;

/** Answers a failed form with a redirect to `location`, the failure kept for the next page. */
export function redirectWithFailure(
  req: Request,
  res: Response,
  failed: FailedForm,
  location: string,
  sealer: Sealer,
): void {
  setCookie(req, res, FORM_COOKIE, sealer.seal('form', failed), MAX_AGE_SECONDS);
  res.redirect(303, location);
}

const strings = (o: unknown, keys: readonly string[]) =>
  typeof o === 'object' && o !== null && Object.entries(o).every(([k, v]) => keys.includes(k) && typeof v === 'string');

function check(payload: unknown): FailedForm | undefined {
  const p = payload as Record<string, unknown> | undefined;
  if (p?.kind === 'search')
    return typeof p.q === 'string' && typeof p.error === 'string' ? (p as unknown as FailedSearch) : undefined;
  if (p?.kind !== 'signup' || !strings(p.values, STUDENT_FIELDS) || !strings(p.fieldErrors, STUDENT_FIELDS))
    return undefined;
  if (p.formError !== undefined && typeof p.formError !== 'string') return undefined;
  if (p.service !== undefined && p.service !== 'not-saved' && p.service !== 'unknown') return undefined;
  return p as unknown as FailedSignup;
}

/** The failure this browser was redirected with, if any; it is cleared, so a refresh starts afresh. */
export function takeFailure(req: Request, res: Response, sealer: Sealer): FailedForm | undefined {
  const raw = cookieOf(req, FORM_COOKIE);
  if (raw === undefined) return undefined;
  setCookie(req, res, FORM_COOKIE, '', 0);
  return check(sealer.open('form', raw, MAX_AGE_SECONDS * 1000));
}
