/**
 * Every state a page of the portal can be in, rendered by the real frontend against the local API
 * (gateway, built Lambdas, dynalite), checked by html-validate and for what a cut-off or pasted
 * template breaks (one main, one footer, no empty or repeated heading, no attribute holding `<`),
 * and titled for where the reader is. Failed forms are post/redirect/get: Back and Refresh never
 * resubmit.
 */
import http from 'node:http';
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { type FrontendConfig, loadFrontendConfig } from '../ec2-frontend/src/config';
import { Sealer } from '../ec2-frontend/src/seal';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { pageProblems, pagerLink, rowsOf } from './helpers/html';
import { closedPortUrl, listenAsStudentApi, TEST_FRONTEND_ENV } from './helpers/net';
import { clearTable, putRaw, studentItem } from './helpers/store';

let backend: LocalBackend;
let config: FrontendConfig;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
  config = loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' });
  await putRaw(
    backend.data,
    backend.tableName,
    Array.from({ length: 180 }, (_, i) => studentItem(i)),
  );
});
afterAll(() => backend.stop());

const valid = { name: 'Ada Lovelace', age: '36', email: 'ada.pages@example.com', country: 'United Kingdom' };
const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

/** A page is sound: no validator problem, and titled as expected. */
async function expectSound(html: string, title: string | RegExp): Promise<void> {
  expect(await pageProblems(html)).toEqual([]);
  expect(titleOf(html)).toEqual(typeof title === 'string' ? title : expect.stringMatching(title));
}

/** Posts a form as a browser does, and follows the redirect with the same cookies. */
async function submit(agent: ReturnType<typeof request.agent>, path: string, form: Record<string, string>) {
  const posted = await agent.post(path).type('form').send(form).expect(303);
  return { location: String(posted.headers.location), page: await agent.get(String(posted.headers.location)) };
}

describe('the list', () => {
  test('first, middle and last pages: numbered GOV.UK pagination, titles that say where you are', async () => {
    const app = createApp(config);
    const first = await request(app).get('/').expect(200);
    await expectSound(first.text, 'Sign up, or find a student – Student Registration Portal');
    expect(first.text).toMatch(
      /<li class="pagination__item pagination__item--current"><a [^>]*aria-current="page">1<\/a>/,
    );
    const second = await request(app).get(pagerLink(first.text, 'next')!).expect(200);
    await expectSound(second.text, /^Students, page 2( of about \d+)? – Student Registration Portal$/);
    const third = await request(app).get(pagerLink(second.text, 'next')!).expect(200);
    // 1 2 [3] 4 … last: the neighbours, and the first page.
    const labels = [...third.text.matchAll(/aria-label="(Page \d+|Last page[^"]*)"/g)].map((m) => m[1]);
    expect(labels.slice(0, 4)).toEqual(['Page 1', 'Page 2', 'Page 3', 'Page 4']);
    expect(labels.at(-1)).toMatch(/^Last page/);
    const lastHref = /<a href="([^"]+)" aria-label="Last page/.exec(third.text)![1]!.replace(/&amp;/g, '&');
    const last = await request(app).get(lastHref).expect(200);
    await expectSound(last.text, 'Students, last page – Student Registration Portal');
    expect(
      rowsOf(last.text)
        .map((r) => r.email)
        .at(-1),
    ).toBe('student179@example.com');
    expect(rowsOf(last.text)).toHaveLength(50);
    expect(pagerLink(last.text, 'next')).toBeUndefined();
    expect(pagerLink(last.text, 'prev')).toBeDefined();
  });

  test('a page number comes from the sealed link, never from the URL (?page=500 is ignored)', async () => {
    const app = createApp(config);
    const first = await request(app).get('/').expect(200);
    const second = await request(app).get(`${pagerLink(first.text, 'next')!.replace('#students', '')}&page=500`);
    expect(titleOf(second.text)).toMatch(/^Students, page 2\b/);
    expect(second.text).not.toContain('500');
  });

  test('a forged or expired link: a 400 page, sound and titled as an error', async () => {
    const sealer = new Sealer([{ generation: 1, secret: Buffer.from(TEST_FRONTEND_ENV.SEAL_SECRET, 'base64url') }]);
    const expired = sealer.seal('list', { from: 'x' }, Date.now() - 25 * 3600_000);
    const res = await request(createApp(config)).get(`/?list=${expired}`).expect(400);
    await expectSound(res.text, 'Error: Students – Student Registration Portal');
  });
});

describe('search', () => {
  test('results, no results with tips, and a rejected search with an error summary (post/redirect/get)', async () => {
    const agent = request.agent(createApp(config));
    const found = await submit(agent, '/search', { q: 'student 0001' });
    await expectSound(found.page.text, 'Search results for “student 0001”, page 1 – Student Registration Portal');
    expect(rowsOf(found.page.text).map((r) => r.email)).toContain('student10@example.com');
    const none = await submit(agent, '/search', { q: 'Zyx' });
    await expectSound(none.page.text, 'Search results for “Zyx”, page 1 – Student Registration Portal');
    expect(none.page.text).toContain('No student matches &ldquo;Zyx&rdquo;.');
    expect(none.page.text).toContain('<ul class="tips">');
    const rejected = await submit(agent, '/search', { q: '??' });
    expect(rejected.location).toBe('/');
    await expectSound(rejected.page.text, 'Error: Find a student – Student Registration Portal');
    expect(rejected.page.text).toMatch(/<div class="error-summary"[\s\S]*<a href="#q">Search for a name/);
    // Refresh: the failure was shown once; the page starts afresh and asks nothing.
    const again = await agent.get('/').expect(200);
    expect(again.text).not.toContain('error-summary');
  });
});

describe('signup', () => {
  test('field errors: post/redirect/get, the summary and the values kept, then a clean page on refresh', async () => {
    const agent = request.agent(createApp(config));
    const failed = await submit(agent, '/students', { ...valid, age: '200', email: 'nope' });
    expect(failed.location).toBe('/');
    await expectSound(failed.page.text, 'Error: Sign up – Student Registration Portal');
    expect(failed.page.text).toContain('<a href="#age">Enter your age as a whole number from 1 to 150, like 21</a>');
    expect(failed.page.text).toContain('value="nope"');
    expect((await agent.get('/').expect(200)).text).not.toContain('value="nope"');
  });

  test('success, the confirmation, "your place" marked only in this browser, and a duplicate', async () => {
    await clearTable(backend.data, backend.tableName);
    await putRaw(
      backend.data,
      backend.tableName,
      Array.from({ length: 180 }, (_, i) => studentItem(i)),
    );
    const app = createApp(config);
    const agent = request.agent(app);
    // After the 180 "Student …": 180 students before, so the place is on page 4 (50 to a page).
    const zed = { ...valid, name: 'Zed Lovelace' };
    const done = await submit(agent, '/students', zed);
    expect(done.location).toBe('/registered');
    await expectSound(done.page.text, 'Registration complete – Student Registration Portal');
    const place = /href="(\/\?list=[^"]+)"/.exec(done.page.text)![1]!.replace(/&amp;/g, '&');
    const mine = await agent.get(place).expect(200);
    await expectSound(mine.text, /^Your place in the list, page 4( of about \d+)? – Student Registration Portal$/);
    expect(mine.text).toMatch(/<tr class="is-you" id="you" aria-current="true"><td data-label="Name">Zed Lovelace /);
    expect(mine.text).toMatch(/aria-current="page">4<\/a>/);
    // The same link in another browser (no confirmation) marks nobody.
    const shared = await request(app).get(place).expect(200);
    expect(shared.text).not.toContain('is-you');
    expect(rowsOf(shared.text)[0]?.email).toBe('ada.pages@example.com');
    const elsewhere = await request(app).get('/registered').expect(200);
    await expectSound(elsewhere.text, 'Registration – Student Registration Portal');
    const duplicate = await submit(agent, '/students', { ...valid, name: 'Someone Else' });
    await expectSound(duplicate.page.text, 'Error: Sign up – Student Registration Portal');
    expect(duplicate.page.text).toContain('already registered');
  });

  test('a refused connection says the signup was not saved; a stalled API that it may have been', async () => {
    const down = createApp(
      loadFrontendConfig({
        ...TEST_FRONTEND_ENV,
        API_ENDPOINT: `${await closedPortUrl()}/dev/student`,
        LOG_LEVEL: 'silent',
      }),
    );
    const refused = await submit(request.agent(down), '/students', valid);
    await expectSound(refused.page.text, 'Sorry, there is a problem with the service – Student Registration Portal');
    expect(refused.page.text).toContain('Your signup was not saved');
    expect(refused.page.text).not.toContain('may or may not');
    expect(refused.page.text).toContain('value="Ada Lovelace"');
    const stall = await listenAsStudentApi(http.createServer(() => {}));
    try {
      const slow = createApp(
        loadFrontendConfig({
          ...TEST_FRONTEND_ENV,
          API_ENDPOINT: stall.url,
          API_TIMEOUT_MS: '300',
          LOG_LEVEL: 'silent',
        }),
      );
      const unknown = await submit(request.agent(slow), '/students', valid);
      await expectSound(unknown.page.text, 'Sorry, there is a problem with the service – Student Registration Portal');
      expect(unknown.page.text).toContain('it may or may not have been saved');
      expect(unknown.page.text).toContain('The student list is unavailable right now');
    } finally {
      stall.close();
    }
  });
});

test('a slow API never holds up the form: the page answers within the list budget, the list marked unavailable', async () => {
  const stall = await listenAsStudentApi(http.createServer(() => {}));
  try {
    const app = createApp(
      loadFrontendConfig({
        ...TEST_FRONTEND_ENV,
        API_ENDPOINT: stall.url,
        API_TIMEOUT_MS: '20000',
        LIST_TIMEOUT_MS: '400',
        LOG_LEVEL: 'silent',
      }),
    );
    // The deadline is the list's (400 ms), not the API call's (20 s): jest's own timeout would fail it.
    const page = await request(app).get('/').expect(200);
    await expectSound(page.text, 'Sign up, or find a student – Student Registration Portal');
    expect(page.text).toContain('<form method="post" action="/students"');
    expect(page.text).toContain('The student list is unavailable right now');
  } finally {
    stall.close();
  }
}, 5_000);

test('the error pages: 403, 404 and 413 are sound pages too', async () => {
  const app = createApp(config);
  const foreign = await request(app)
    .post('/students')
    .set('Sec-Fetch-Site', 'cross-site')
    .type('form')
    .send(valid)
    .expect(403);
  await expectSound(foreign.text, 'Not allowed – Student Registration Portal');
  await expectSound((await request(app).get('/nope').expect(404)).text, /Page not found/);
  const big = await request(app)
    .post('/students')
    .type('form')
    .send({ ...valid, name: 'x'.repeat(20_000) });
  expect(big.status).toBe(413);
  await expectSound(big.text, /too large/i);
});
