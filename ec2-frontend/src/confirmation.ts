/**
 * The signup confirmation travels in a short-lived cookie, never in a URL: a shared or bookmarked
 * `/registered` link shows nothing personal, and only the browser that signed up sees who it
 * registered, or finds its row marked "You" in the list. The cookie is sealed (opaque, and forged
 * or edited ones do not open), carries its issue time, and is refused after ten minutes whatever
 * the browser keeps; it is HttpOnly and SameSite=Lax.
 */
import type { Request, Response } from 'express';
import { validateStudent } from '../../core/student';
import { cookieOf, setCookie } from './cookies';
import type { Sealer } from './seal';

export const CONFIRMATION_COOKIE = 'registration';
export const CONFIRMATION_PATH = '/registered';
const MAX_AGE_SECONDS = 600;

export interface Confirmation {
  readonly name: string;
  readonly email: string;
}

export function setConfirmation(req: Request, res: Response, who: Confirmation, sealer: Sealer): void {
  setCookie(req, res, CONFIRMATION_COOKIE, sealer.seal('confirmation', [who.name, who.email]), MAX_AGE_SECONDS);
}

/** The confirmation this browser holds, if it holds a well-formed one. */
export function readConfirmation(req: Request, sealer: Sealer): Confirmation | undefined {
  const raw = cookieOf(req, CONFIRMATION_COOKIE);
  if (!raw) return undefined;
  const parsed = sealer.open('confirmation', raw, MAX_AGE_SECONDS * 1000);
  if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
  const [name, email] = parsed as unknown[];
  // Only what the model accepts is shown back (the values were valid when the cookie was set).
  const checked = validateStudent({ name, email, age: '1', country: 'x' });
  return checked.ok ? { name: checked.student.name, email: checked.student.email } : undefined;
}
