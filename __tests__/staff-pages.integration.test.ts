/**
 * The staff pages against the real frontend and the local API: every field and email search for a
 * staff member the load balancer signed in (tokens made as it makes them, keys served as its
 * regional endpoint serves them), never cached; 403 for anyone else, forged tokens included;
 * sign-out expires the load balancer's session cookies; no staff pages without the setting.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { setLogLevel } from '../core/log';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { albToken, newAlbKey } from '../scripts/local/alb-token';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { pageProblems, pagerLink, rowsOf } from './helpers/html';
import { TEST_FRONTEND_ENV } from './helpers/net';
import { putRaw, studentItem } from './helpers/store';

const SIGNER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/students-dev-alb/50dc6c495c0c9188';
const key = newAlbKey();
let backend: LocalBackend;
let keys: http.Server;
let keysUrl: string;

beforeAll(async () => {
  setLogLevel('silent');
  backend = await startBackend({ apiPort: 0 });
  await putRaw(
    backend.data,
    backend.tableName,
    Array.from({ length: 70 }, (_, i) => studentItem(i)),
  );
  keys = http.createServer((req, res) =>
    req.url === `/${key.kid}` ? res.end(key.publicPem) : res.writeHead(404).end(),
  );
  await new Promise<void>((r) => keys.listen(0, '127.0.0.1', r));
  keysUrl = `http://127.0.0.1:${(keys.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => keys.close(r));
  await backend.stop();
});

const app = (extra: Record<string, string> = {}) =>
  createApp(
    loadFrontendConfig({
      ...TEST_FRONTEND_ENV,
      DIRECTORY_MODE: 'names',
      API_ENDPOINT: backend.api.studentUrl,
      LOG_LEVEL: 'silent',
      STAFF_SIGNER_ARN: SIGNER,
      STAFF_KEYS_URL: keysUrl,
      STAFF_SIGN_OUT_URL: 'https://school.auth.us-east-1.amazoncognito.com/logout?client_id=abc',
      ...extra,
    }),
  );
const token = (over: { signer?: string; exp?: number; with?: ReturnType<typeof newAlbKey> } = {}) =>
  albToken(over.with ?? key, {
    signer: over.signer ?? SIGNER,
    exp: over.exp ?? Math.floor(Date.now() / 1000) + 120,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
    client: 'abc',
    claims: { sub: 'staff-1', email: 'registrar@school.example', name: 'Ada Registrar' },
  });
const HEADER = 'x-amzn-oidc-data';

test('signed-in staff see every field, page through with /staff links, and search by whole email; never cached', async () => {
  const staff = request.agent(app());
  const page = await staff.get('/staff').set(HEADER, token()).expect(200);
  expect(page.headers['cache-control']).toBe('no-store');
  expect(await pageProblems(page.text)).toEqual([]);
  expect(page.text).toContain('Signed in as <strong>Ada Registrar</strong>');
  const rows = rowsOf(page.text);
  expect(rows).toHaveLength(50);
  expect(rows[0]).toEqual({
    name: 'Student 00000',
    age: '18',
    email: 'student0@example.com',
    country: expect.any(String),
  });
  const next = pagerLink(page.text, 'next');
  expect(next).toMatch(/^\/staff\?list=/);
  const second = await staff.get(String(next)).set(HEADER, token()).expect(200);
  expect(rowsOf(second.text).map((r) => r.email)).toContain('student69@example.com');
  const posted = await staff
    .post('/staff/search')
    .set(HEADER, token())
    .type('form')
    .send({ q: 'student7@example.com' })
    .expect(303);
  expect(posted.headers.location).toMatch(/^\/staff\?list=/);
  const found = await staff.get(String(posted.headers.location)).set(HEADER, token()).expect(200);
  expect(rowsOf(found.text).map((r) => r.email)).toEqual(['student7@example.com']);
});

test.each([
  ['no token', undefined],
  ['a token signed by another key', () => token({ with: newAlbKey() })],
  ['a token for another load balancer', () => token({ signer: `${SIGNER.slice(0, -1)}0` })],
  ['an expired token', () => token({ exp: Math.floor(Date.now() / 1000) - 5 })],
])('%s gets 403 with nothing of the directory, never cached', async (_what, make) => {
  const req = request(app()).get('/staff');
  const res = await (make ? req.set(HEADER, make()) : req).expect(403);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text).toContain('Staff sign-in required');
  expect(await pageProblems(res.text)).toEqual([]);
  expect(res.text).not.toMatch(/student\d+@example\.com/);
  const search = request(app()).post('/staff/search').type('form').send({ q: 'student7@example.com' });
  await (make ? search.set(HEADER, make()) : search).expect(403);
});

test("sign-out expires the load balancer's session cookies and ends at the identity provider's logout", async () => {
  const res = await request(app()).get('/staff/sign-out').expect(303);
  expect(res.headers.location).toBe('https://school.auth.us-east-1.amazoncognito.com/logout?client_id=abc');
  const cookies = res.headers['set-cookie'] as unknown as string[];
  expect(cookies.map((c) => c.split('=')[0])).toEqual([0, 1, 2, 3].map((i) => `AWSELBAuthSessionCookie-${i}`));
  for (const c of cookies) expect(c).toMatch(/Expires=Thu, 01 Jan 1970 00:00:00 GMT/);
  expect(res.headers['cache-control']).toBe('no-store');
});

test('a staff token on the public page changes nothing; without STAFF_SIGNER_ARN there are no staff pages', async () => {
  const home = await request(app()).get('/').set(HEADER, token()).expect(200);
  expect(home.text).not.toMatch(/student\d+@example\.com/);
  await request(app({ STAFF_SIGNER_ARN: '' }))
    .get('/staff')
    .set(HEADER, token())
    .expect(404);
});

test('a staff member removes a student after confirming: gone from the list and from search at once; nobody else can', async () => {
  const staff = request.agent(app());
  const page = await staff.get('/staff').set(HEADER, token()).expect(200);
  const href = /<a href="(\/staff\/remove\?r=[^"]+)">Remove<span class="visually-hidden"> Student 00003<\/span>/.exec(
    page.text,
  )?.[1];
  expect(href).toBeDefined();
  const confirm = await staff.get(String(href)).set(HEADER, token()).expect(200);
  expect(await pageProblems(confirm.text)).toEqual([]);
  expect(confirm.headers['cache-control']).toBe('no-store');
  expect(confirm.text).toContain('<h1 id="remove-title">Remove Student 00003?</h1>');
  const r = String(/name="r" value="([^"]+)"/.exec(confirm.text)?.[1]);
  // Without a verified sign-in the removal is refused, and nothing changes.
  await request(app()).post('/staff/remove').type('form').send({ r }).expect(403);
  await request(app())
    .post('/staff/remove')
    .set(HEADER, token({ with: newAlbKey() }))
    .type('form')
    .send({ r })
    .expect(403);
  // A link edited or forged does not open.
  await staff
    .post('/staff/remove')
    .set(HEADER, token())
    .type('form')
    .send({ r: `${r}x` })
    .expect(400);
  const done = await staff.post('/staff/remove').set(HEADER, token()).type('form').send({ r }).expect(303);
  const removed = await staff.get(String(done.headers.location)).set(HEADER, token()).expect(200);
  expect(removed.text).toContain('Student 00003 is no longer registered');
  expect(await pageProblems(removed.text)).toEqual([]);
  const posted = await staff.post('/staff/search').set(HEADER, token()).type('form').send({ q: '00003' }).expect(303);
  const search = await staff.get(String(posted.headers.location)).set(HEADER, token()).expect(200);
  expect(rowsOf(search.text)).toEqual([]);
  const byEmail = await staff
    .post('/staff/search')
    .set(HEADER, token())
    .type('form')
    .send({ q: 'student3@example.com' });
  expect(rowsOf((await staff.get(String(byEmail.headers.location)).set(HEADER, token())).text)).toEqual([]);
  const list = await staff.get('/staff').set(HEADER, token()).expect(200);
  expect(rowsOf(list.text).map((row) => row.email)).not.toContain('student3@example.com');
});
