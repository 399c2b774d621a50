/**
 * The portal's cookies, read and written in one way: sealed values, HttpOnly, SameSite=Lax, the
 * whole site as their path, and Secure behind HTTPS.
 */
import type { Request, Response } from 'express';

/** The value of the request's cookie called `name`, if it sent one. */
export function cookieOf(req: Request, name: string): string | undefined {
  const header = req.get('cookie') ?? '';
  return header
    .split(';')
    .map((c) => c.trim())
    .find((c) => c.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}

/** Sets the cookie `name` for `maxAgeSeconds` (0 clears it). */
export function setCookie(req: Request, res: Response, name: string, value: string, maxAgeSeconds: number): void {
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${name}=${value}; Max-Age=${maxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax${secure}`);
}
