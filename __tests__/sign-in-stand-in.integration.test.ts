/**
 * The local stack with the load balancer's staff sign-in stood in for (as `npm start` runs it):
 * /staff sends a visitor to sign in, a sign-in reaches the staff page through the same
 * verification as behind the real load balancer, a header a browser forges is dropped, sign-out
 * ends the session, and an expired session signs in again.
 */
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { SIGN_IN_PATH } from '../scripts/local/sign-in-stand-in';
import { albToken, newAlbKey } from '../scripts/local/alb-token';
import { putRaw, studentItem } from './helpers/store';

let stack: LocalStack;
beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  stack = await startLocalStack({ webPort: 0, apiPort: 0, staffSignIn: { sessionSeconds: 3 } });
  await putRaw(
    stack.data,
    stack.tableName,
    Array.from({ length: 5 }, (_, i) => studentItem(i)),
  );
});
afterAll(() => stack?.stop());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.webUrl}${path}`, { redirect: 'manual', headers });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

async function signIn(email: string): Promise<string> {
  const page = await get('/staff');
  expect(page.status).toBe(302);
  expect(page.headers.get('location')).toBe(`${SIGN_IN_PATH}?return=%2Fstaff`);
  const form = await (await get(String(page.headers.get('location')))).text();
  expect(form).toContain('any email address signs in');
  const posted = await fetch(`${stack.webUrl}${SIGN_IN_PATH}?return=%2Fstaff`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email }),
  });
  expect(posted.status).toBe(302);
  expect(posted.headers.get('location')).toBe('/staff');
  return cookieOf(posted);
}

test('sign in, see the staff page; sign out; a session past its time signs in again', async () => {
  const session = await signIn('registrar@school.example');
  const staff = await get('/staff', { cookie: session });
  expect(staff.status).toBe(200);
  const html = await staff.text();
  expect(html).toContain('Signed in as <strong>registrar@school.example</strong>');
  expect(html).toContain('student3@example.com');
  const out = await get('/staff/sign-out', { cookie: session });
  expect(out.status).toBe(303);
  expect(out.headers.get('location')).toBe('/');
  expect(out.headers.get('set-cookie')).toMatch(/AWSELBAuthSessionCookie-0=; .*Expires=Thu, 01 Jan 1970/);
  // The browser drops the expired cookie: the next visit asks to sign in again.
  expect((await get('/staff')).status).toBe(302);
  const again = await signIn('registrar@school.example');
  // The session was given 3 s: polled until it has run out (no fixed wait).
  const deadline = Date.now() + 10_000;
  let status = 200;
  while (status === 200 && Date.now() < deadline) {
    status = (await get('/staff', { cookie: again })).status;
    if (status === 200) await new Promise((r) => setTimeout(r, 200));
  }
  expect(status).toBe(302);
});

test('a header a browser forges is dropped: a token it signs itself, even for the stand-in, does not reach the portal', async () => {
  const forged = albToken(newAlbKey(), {
    signer: 'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/students-local/0000000000000000',
    exp: Math.floor(Date.now() / 1000) + 60,
    iss: 'x',
    client: 'x',
    claims: { sub: 'intruder' },
  });
  const res = await get('/staff', { 'x-amzn-oidc-data': forged });
  expect(res.status).toBe(302);
  const home = await get('/', { 'x-amzn-oidc-data': forged });
  expect(await home.text()).not.toContain('student3@example.com');
});
