/**
 * The Express frontend through supertest, with the API played by the real local API Gateway,
 * the built Lambda bundles and dynalite; outages by a closed port and a server that stalls.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig, type FrontendConfig } from '../ec2-frontend/src/config';
import { Sealer } from '../ec2-frontend/src/seal';
import { startBackend, type LocalBackend } from '../scripts/local/stack';
import { closedPortUrl, listenAsStudentApi, type StandIn, TEST_FRONTEND_ENV } from './helpers/net';
import { pagerLink, rowsOf } from './helpers/html';
import { clearTable, indexedItem, putRaw, scanAll, studentItem } from './helpers/store';

let backend: LocalBackend;
let config: FrontendConfig;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
  config = loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'error' });
  process.env.LOG_LEVEL = 'silent';
});
afterAll(() => backend.stop());
beforeEach(() => clearTable(backend.data, backend.tableName));

const form = { name: 'Ada Lovelace', age: '36', email: 'Ada@Example.com', country: 'United Kingdom' };

/** A signup the portal turns down: redirected back to the form, the page that follows shows why. */
async function failedSignup(app: ReturnType<typeof createApp>, body: Record<string, string>) {
  const agent = request.agent(app);
  await agent.post('/students').type('form').send(body).expect(303).expect('Location', '/');
  return agent.get('/').expect(200);
}

describe('GET /', () => {
  test('renders the portal: the form with the reference fields and an empty state', async () => {
    const res = await request(createApp(config)).get('/').expect(200);
    expect(res.text).toContain('<title>Sign up, or find a student – Student Registration Portal</title>');
    for (const f of ['name', 'age', 'email', 'country']) expect(res.text).toMatch(new RegExp(`<label for="${f}">`));
    expect(res.text).toContain('No students yet');
  });

  test('lists students in one order: by name, ignoring case and accents, then by email', async () => {
    await putRaw(
      backend.data,
      backend.tableName,
      [
        { email: 'c@x.org', name: 'Charlie', age: '30', country: 'Chile' },
        { email: 'a@x.org', name: 'alice', age: '20', country: 'Austria' },
        { email: 'e@x.org', name: 'Émile', age: '20', country: 'France' },
        { email: 'd@x.org', name: 'emile', age: '20', country: 'France' },
        { email: 'b@x.org', name: 'Bob', age: '25', country: 'Brazil' },
      ].map(indexedItem),
    );
    const res = await request(createApp(config)).get('/').expect(200);
    expect(rowsOf(res.text).map((r) => `${r.name} ${r.email}`)).toEqual([
      'alice a@x.org',
      'Bob b@x.org',
      'Charlie c@x.org',
      'emile d@x.org',
      'Émile e@x.org',
    ]);
    expect(res.text).toContain('All students, by name');
  });

  test('escapes hostile names: markup shows as text and never as a tag', async () => {
    const hostile = ['<img src=x onerror=alert(1)>', '<script>alert(1)</script>', '"><svg onload=alert(1)>'];
    await putRaw(
      backend.data,
      backend.tableName,
      hostile.map((name, i) => indexedItem({ email: `h${i}@x.org`, name, age: '20', country: '<b>bold</b>' })),
    );
    const res = await request(createApp(config)).get('/').expect(200);
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).not.toContain('<svg');
    expect(res.text).not.toContain('<b>bold</b>');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  test('pages through the whole order with next and previous links, each student once, numbered', async () => {
    await putRaw(
      backend.data,
      backend.tableName,
      Array.from({ length: 120 }, (_, i) => studentItem(i)),
    );
    const app = createApp(config);
    const pages: { href: string; emails: string[] }[] = [];
    for (let href: string | undefined = '/'; href; ) {
      const res: request.Response = await request(app).get(href).expect(200);
      pages.push({ href, emails: rowsOf(res.text).map((r) => r.email) });
      expect(res.text).toMatch(new RegExp(`aria-current="page">${pages.length}</a>`));
      // No email in any link: positions are opaque tokens.
      for (const rel of ['next', 'prev'] as const) expect(pagerLink(res.text, rel) ?? '').not.toMatch(/%40|@/);
      href = pagerLink(res.text, 'next');
    }
    const seen = pages.flatMap((p) => p.emails);
    expect(pages.map((p) => p.emails.length)).toEqual([50, 50, 20]);
    expect(seen).toEqual(Array.from({ length: 120 }, (_, i) => `student${i}@example.com`));
    // Previous from page 3 is page 2, and from page 2 the first page.
    const third = await request(app).get(pages[2]!.href).expect(200);
    const second = await request(app).get(pagerLink(third.text, 'prev')!).expect(200);
    expect(rowsOf(second.text).map((r) => r.email)).toEqual(pages[1]!.emails);
    expect(second.text).toContain('aria-current="page">2</a>');
    expect(pagerLink(second.text, 'prev')).toBe('/#students');
  });

  test('search: a name prefix, case- and accent-insensitive, or an exact email; a bad search is an error at the field', async () => {
    await putRaw(
      backend.data,
      backend.tableName,
      [
        { email: 'zoe@x.org', name: 'Zoë Kraus', age: '20', country: 'Austria' },
        { email: 'zoran@x.org', name: 'zoran Ivić', age: '21', country: 'Serbia' },
        { email: 'ada@x.org', name: 'Ada Zoe', age: '22', country: 'Peru' },
      ].map(indexedItem),
    );
    const app = createApp(config);
    /** Searches as the form does: a POST, answered with a sealed link that holds the text. */
    const search = async (q: string) => {
      const posted = await request(app).post('/search').type('form').send({ q }).expect(303);
      const link = String(posted.headers.location);
      // Only the sealed state: the text is in no URL (seal.test.ts shows a seal holds no plain text).
      expect(link).toMatch(/^\/\?list=[\w-]+#students$/);
      return request(app).get(link).expect(200);
    };
    // The start of any word of a name: "Ada Zoe" by her last name, ordered by the name from the word found.
    const byName = await search('ZO');
    expect(rowsOf(byName.text).map((r) => r.name)).toEqual(['Ada Zoe', 'Zoë Kraus', 'zoran Ivić']);
    expect(byName.text).toContain('value="ZO"');
    const byEmail = await search('ADA@X.ORG');
    expect(rowsOf(byEmail.text).map((r) => r.name)).toEqual(['Ada Zoe']);
    const none = await search('xyz');
    expect(none.text).toContain('No student matches &ldquo;xyz&rdquo;.');
    /** A search the portal refuses: redirected back, the reason shown once on the next page. */
    const refused = async (q: string) => {
      const agent = request.agent(app);
      await agent.post('/search').type('form').send({ q }).expect(303).expect('Location', '/');
      return agent.get('/').expect(200);
    };
    const bad = await refused('??');
    expect(bad.text).toContain('<title>Error: Find a student – Student Registration Portal</title>');
    expect(bad.text).toMatch(/id="q-error"><span class="visually-hidden">Error:<\/span> Search for a name/);
    // U+0001 separates the name from the email in the index: it would turn a name search into an email one.
    const control = await refused('ann\u0001ann2');
    expect(control.text).toContain('must not contain an invisible character (U+0001) at character 4');
    // A plain ?q= is not a search: searches never travel in URLs.
    expect(rowsOf((await request(app).get('/?q=ZO').expect(200)).text)).toHaveLength(3);
  });

  test('a forged, edited or expired page link is a 400 that says so and links back to the start', async () => {
    await putRaw(
      backend.data,
      backend.tableName,
      Array.from({ length: 60 }, (_, i) => studentItem(i)),
    );
    const app = createApp(config);
    const next = pagerLink((await request(app).get('/').expect(200)).text, 'next')!;
    const token = /list=([\w-]+)/.exec(next)![1]!;
    await request(app).get(next).expect(200);
    // The old, readable token format; a token with one character changed; one sealed 25 hours ago.
    const forged = Buffer.from('student5@example.com').toString('base64url');
    const edited = `${token.slice(0, 20)}${token[20] === 'A' ? 'B' : 'A'}${token.slice(21)}`;
    const sealer = new Sealer([{ generation: 1, secret: Buffer.from(TEST_FRONTEND_ENV.SEAL_SECRET, 'base64url') }]);
    const expired = sealer.seal('list', { from: 'x' }, Date.now() - 25 * 3600_000);
    for (const bad of [forged, edited, expired]) {
      const res = await request(app).get(`/?list=${bad}&page=2`).expect(400);
      expect(res.text).toContain('That page link is no longer valid');
      expect(rowsOf(res.text)).toEqual([]);
    }
  });
});

describe('POST /students', () => {
  test('success stores the student and redirects to a confirmation that only this browser sees', async () => {
    const app = createApp(config);
    const res = await request(app).post('/students').type('form').send(form).expect(303);
    expect(res.headers.location).toBe('/registered');
    expect(await scanAll(backend.data, backend.tableName)).toEqual([{ ...form, email: 'ada@example.com' }]);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^registration=[\w-]+; Max-Age=600; Path=\/; HttpOnly; SameSite=Lax$/);
    const page = await request(app).get('/registered').set('Cookie', cookie.split(';')[0]!).expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('Ada Lovelace is registered');
    expect(page.text).toContain('<strong>ada@example.com</strong>');
    // The link to the student's place: a page that starts with them, marked, and no email in the URL.
    const place = /href="(\/\?list=[^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    expect(place).not.toMatch(/@|%40/);
    const list = await request(app).get(place).set('Cookie', cookie.split(';')[0]!).expect(200);
    expect(rowsOf(list.text)[0]).toEqual({ ...form, email: 'ada@example.com', name: 'Ada Lovelace' });
    expect(list.text).toMatch(/<tr class="is-you" id="you" aria-current="true">/);
    // A shared link, without the cookie, shows nothing personal; a forged cookie is not shown back.
    const shared = await request(app).get('/registered').expect(200);
    expect(shared.text).not.toContain('Ada');
    // A forged cookie (the readable format), an edited one, and one sealed 11 minutes ago show nothing.
    const sealed = cookie.split(';')[0]!.slice('registration='.length);
    const sealer = new Sealer([{ generation: 1, secret: Buffer.from(TEST_FRONTEND_ENV.SEAL_SECRET, 'base64url') }]);
    for (const value of [
      Buffer.from(JSON.stringify(['Ada Lovelace', 'ada@example.com'])).toString('base64url'),
      `${sealed.slice(0, -2)}${sealed.endsWith('AA') ? 'BB' : 'AA'}`,
      sealer.seal('confirmation', ['Ada Lovelace', 'ada@example.com'], Date.now() - 11 * 60_000),
    ]) {
      const shown = await request(app).get('/registered').set('Cookie', `registration=${value}`).expect(200);
      expect(shown.text).not.toContain('Ada');
    }
  });

  test('a field error re-renders the form to the GOV.UK pattern: title, linked summary, messages above the fields, values kept', async () => {
    const res = await failedSignup(createApp(config), { ...form, age: '200', email: 'nope' });
    expect(res.text).toContain('<title>Error: Sign up – Student Registration Portal</title>');
    expect(res.text).toMatch(
      /<div class="error-summary" id="error-summary" tabindex="-1" autofocus>\s*<div role="alert">/,
    );
    expect(res.text).toContain('<a href="#age">Enter your age as a whole number from 1 to 150, like 21</a>');
    expect(res.text).toContain('<a href="#email">Enter an email address with one @, like name@example.com</a>');
    const age = res.text.slice(res.text.indexOf('<label for="age">'), res.text.indexOf('<label for="email">'));
    expect(age.indexOf('id="age-error"')).toBeLessThan(age.indexOf('<input id="age"'));
    expect(age).toContain('<span class="visually-hidden">Error:</span> Enter your age');
    expect(age).toMatch(
      /<input id="age" name="age" type="text" value="200"[\s\S]*inputmode="numeric"[\s\S]*aria-describedby="age-hint age-error"[\s\S]*aria-invalid="true"/,
    );
    expect(res.text).toMatch(/<input id="email"[^>]*type="email"[\s\S]*?spellcheck="false"/);
    expect(res.text).toContain('value="Ada Lovelace"');
    expect(res.text).toContain('value="nope"');
    expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
  });

  test('the country stays free text, with suggestions from a country list', async () => {
    const res = await request(createApp(config)).get('/').expect(200);
    expect(res.text).toMatch(/<input id="country"[\s\S]*?list="countries"/);
    expect(res.text).toContain('<option value="United Kingdom">');
    expect(res.text).toContain('<option value="Åland Islands">');
    expect(res.text).not.toContain('three tiers');
    // Only the country field offers the list (EJS includes see the page's own variables).
    expect(res.text.match(/list="/g)).toHaveLength(1);
    expect(res.text).not.toContain('[object');
  });

  test('a duplicate email says "already registered" and keeps the first registration', async () => {
    const app = createApp(config);
    await request(app).post('/students').type('form').send(form).expect(303);
    const res = await failedSignup(app, { ...form, name: 'Someone Else' });
    expect(res.text).toContain('already registered');
    expect((await scanAll(backend.data, backend.tableName))[0]).toMatchObject({ name: 'Ada Lovelace' });
  });

  test('hostile input is re-rendered escaped', async () => {
    const res = await failedSignup(createApp(config), { ...form, name: '"><script>alert(1)</script>', age: 'x' });
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).toContain('value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
  });

  test('a body over the limit answers 413 with a friendly page', async () => {
    const res = await request(createApp(config))
      .post('/students')
      .type('form')
      .send({ ...form, name: 'x'.repeat(20_000) })
      .expect(413);
    expect(res.text).toContain('too large');
  });
});

describe('API outages', () => {
  const stallingServer = (): Promise<StandIn> =>
    listenAsStudentApi(
      http.createServer(() => {
        /* never answers */
      }),
    );

  test('API down: the page says the list is unavailable, signups fail visibly, /healthz stays 200, /readyz 503', async () => {
    const app = createApp(
      loadFrontendConfig({
        ...TEST_FRONTEND_ENV,
        API_ENDPOINT: `${await closedPortUrl()}/dev/student`,
        LOG_LEVEL: 'silent',
      }),
    );
    const page = await request(app).get('/').expect(200);
    expect(page.text).toContain('The student list is unavailable right now');
    const signup = await failedSignup(app, form);
    // The connection was refused: the signup certainly was not saved, and the page says so.
    expect(signup.text).toContain('Your signup was not saved: the registration service is not answering.');
    expect(signup.text).toContain('value="Ada Lovelace"');
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(503);
  });

  test('API slow: calls time out and the page still renders', async () => {
    const slow = await stallingServer();
    try {
      const app = createApp(
        loadFrontendConfig({
          ...TEST_FRONTEND_ENV,
          API_ENDPOINT: slow.url,
          API_TIMEOUT_MS: '300',
          LOG_LEVEL: 'silent',
        }),
      );
      const started = Date.now();
      const page = await request(app).get('/').expect(200);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(page.text).toContain('unavailable');
      expect((await failedSignup(app, form)).text).toContain('it may or may not have been saved');
    } finally {
      slow.close();
    }
  });
});

describe('security, health and errors', () => {
  test('security headers: CSP without inline script, nosniff, frame-ancestors none, no x-powered-by', async () => {
    const res = await request(createApp(config)).get('/').expect(200);
    const csp = res.headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/\S/);
  });

  test('no inline scripts or styles, and no CDN: every asset is served by the app', async () => {
    const app = createApp(config);
    const res = await request(app).get('/').expect(200);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(res.text).not.toMatch(/\bstyle="/);
    const assets = [...res.text.matchAll(/(?:src|href)="([^"#]+\.(?:css|js|svg))"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      await request(app).get(asset).expect(200);
    }
    await request(app).get('/favicon.ico').expect(200).expect('Content-Type', /svg/);
  });

  test('/healthz is 200 without calling the API; /readyz checks it', async () => {
    const app = createApp(config);
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    await request(app).get('/readyz').expect(200, { status: 'ready' });
  });

  test('unknown pages get a 404 page', async () => {
    const res = await request(createApp(config)).get('/nope').expect(404);
    expect(res.text).toContain('Page not found');
  });

  test('a failure renders a friendly 500 page with no stack trace', async () => {
    // A page template that throws while rendering (it names a file and line, as a real fault would).
    const root = mkdtempSync(path.join(os.tmpdir(), 'students-broken-'));
    for (const sub of ['public', 'views'])
      cpSync(path.join(__dirname, '..', 'ec2-frontend', sub), path.join(root, sub), { recursive: true });
    writeFileSync(
      path.join(root, 'views', 'index.ejs'),
      "<% throw new Error('ENOENT: students-broken at app.ts:12:3') %>",
    );
    try {
      const res = await request(createApp({ ...config, logLevel: 'silent' }, { rootDir: root }))
        .get('/')
        .expect(500);
      expect(res.text).toContain('Sorry, there is a problem with the service');
      expect(res.text).not.toMatch(/at .+:\d+:\d+|Error:|ENOENT|students-broken/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a missing public/ fails at start, naming it: never pages without their stylesheet', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'students-no-public-'));
    cpSync(path.join(__dirname, '..', 'ec2-frontend', 'views'), path.join(root, 'views'), { recursive: true });
    try {
      expect(() => createApp(config, { rootDir: root })).toThrow(/students-no-public-\w+\/public/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('missing or broken templates fail at start, naming the file: never a 500 on every page', () => {
    expect(() => createApp(config, { rootDir: '/nonexistent' })).toThrow(/templates are missing.*nonexistent\/views/);
    const root = mkdtempSync(path.join(os.tmpdir(), 'students-bad-view-'));
    for (const sub of ['public', 'views'])
      cpSync(path.join(__dirname, '..', 'ec2-frontend', sub), path.join(root, sub), { recursive: true });
    try {
      writeFileSync(path.join(root, 'views', 'registered.ejs'), '<% if (true) { %>never closed');
      expect(() => createApp(config, { rootDir: root })).toThrow(/registered\.ejs/);
      rmSync(path.join(root, 'views', 'registered.ejs'));
      rmSync(path.join(root, 'views', 'partials', 'countries.ejs'));
      expect(() => createApp(config, { rootDir: root })).toThrow(/partials\/countries\.ejs is missing/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
