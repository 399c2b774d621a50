/**
 * Who sees what (`STUDENTS_DIRECTORY`), against the real frontend and the local API (gateway,
 * built Lambdas, dynalite): with `names` the public sees names and nothing else and cannot learn
 * whether an address is registered; with `staff` it sees the form and its own confirmation and no
 * list at all; `public` is the reference design. The privacy notice says which, and every page
 * links it.
 */
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { NAME_SEARCH_ONLY } from '../ec2-frontend/src/directory-view';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { pageProblems, rowsOf } from './helpers/html';
import { TEST_FRONTEND_ENV } from './helpers/net';
import { putRaw, studentItem } from './helpers/store';

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
  await putRaw(
    backend.data,
    backend.tableName,
    Array.from({ length: 30 }, (_, i) => studentItem(i)),
  );
});
afterAll(() => backend.stop());

const appIn = (mode: string) =>
  createApp(
    loadFrontendConfig({
      ...TEST_FRONTEND_ENV,
      DIRECTORY_MODE: mode,
      API_ENDPOINT: backend.api.studentUrl,
      LOG_LEVEL: 'silent',
    }),
  );

/** Every email and age of the seeded students (student<i>@example.com; ages are in studentItem). */
const seededEmails = Array.from({ length: 30 }, (_, i) => `student${i}@example.com`);

async function search(agent: ReturnType<typeof request.agent>, q: string) {
  const posted = await agent.post('/search').type('form').send({ q }).expect(303);
  return agent.get(String(posted.headers.location));
}

describe('names: the public sees names only', () => {
  test('the list shows names and no email, age or country; the page is sound', async () => {
    const page = await request(appIn('names')).get('/').expect(200);
    expect(await pageProblems(page.text)).toEqual([]);
    const rows = rowsOf(page.text);
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.every((r) => r.name !== '' && r.email === '' && r.age === '' && r.country === '')).toBe(true);
    for (const email of seededEmails) expect(page.text).not.toContain(email);
    expect(page.text).not.toMatch(/<th scope="col">(Age|Email|Country)<\/th>/);
    expect(page.text).toContain('The start of any of their names</');
  });

  test('search by name works; an email search answers the same whether or not the address is registered', async () => {
    const agent = request.agent(appIn('names'));
    const byName = await search(agent, 'student');
    expect(rowsOf(byName.text).map((r) => r.name).length).toBeGreaterThan(0);
    const registered = await search(request.agent(appIn('names')), 'student7@example.com');
    const unknown = await search(request.agent(appIn('names')), 'nobody.at.all@example.com');
    for (const page of [registered, unknown]) {
      expect(page.text).toContain(NAME_SEARCH_ONLY);
      expect(rowsOf(page.text)).toEqual([]);
      expect(await pageProblems(page.text)).toEqual([]);
    }
    // Same page but for the echoed search text: nothing tells the two apart.
    const strip = (html: string, q: string) => html.replaceAll(q, 'Q').replace(/(href|value|action)="[^"]*"/g, '');
    expect(strip(registered.text, 'student7@example.com')).toBe(strip(unknown.text, 'nobody.at.all@example.com'));
  });

  test('a student who just signed up is marked "You" by name, without the email reaching the list', async () => {
    const agent = request.agent(appIn('names'));
    const me = { name: 'Names Mode Person', age: '22', email: 'names.mode@example.com', country: 'Chile' };
    await agent.post('/students').type('form').send(me).expect(303);
    const confirmation = await agent.get('/registered').expect(200);
    expect(confirmation.text).toContain(me.email);
    const place = /href="([^"]+)">See your place in the list/.exec(confirmation.text)?.[1]?.replace(/&amp;/g, '&');
    const list = await agent.get(String(place)).expect(200);
    expect(list.text).toMatch(
      /<tr class="is-you" id="you" aria-current="true"><td data-label="Name">Names Mode Person <strong class="tag">You<\/strong><\/td><\/tr>/,
    );
    expect(list.text).not.toContain(me.email);
  });
});

describe('staff: the public sees the form and its own confirmation only', () => {
  test('no list, no search, no student of the directory on the page', async () => {
    const agent = request.agent(appIn('staff'));
    const page = await agent.get('/').expect(200);
    expect(await pageProblems(page.text)).toEqual([]);
    expect(page.text).toContain('The list of students is for school staff only.');
    expect(rowsOf(page.text)).toEqual([]);
    expect(page.text).not.toContain('role="search"');
    expect(page.text).not.toMatch(/Student \d{5}|student\d+@/);
    // A search posted anyway leads back to the form, never to results.
    const posted = await agent.post('/search').type('form').send({ q: 'student7@example.com' }).expect(303);
    expect(posted.headers.location).toBe('/');
  });

  test('the confirmation shows the student their own details, with no way into the list', async () => {
    const agent = request.agent(appIn('staff'));
    const me = { name: 'Staff Mode Person', age: '23', email: 'staff.mode@example.com', country: 'Peru' };
    await agent.post('/students').type('form').send(me).expect(303);
    const confirmation = await agent.get('/registered').expect(200);
    expect(confirmation.text).toContain('Staff Mode Person');
    expect(confirmation.text).toContain(me.email);
    expect(confirmation.text).not.toContain('See your place in the list');
    expect(await pageProblems(confirmation.text)).toEqual([]);
  });
});

describe('the privacy notice', () => {
  test.each([
    ['public', 'shows its whole list to everyone'],
    ['names', 'see the names of registered students'],
    ['staff', 'Only school staff see the list of students'],
  ])('%s: says who sees what, is linked from the form and every footer, and is sound', async (mode, says) => {
    const app = appIn(mode);
    const notice = await request(app).get('/privacy').expect(200);
    expect(notice.text).toContain(says);
    expect(notice.text).toContain('contact the registry office');
    expect(await pageProblems(notice.text)).toEqual([]);
    const home = await request(app).get('/').expect(200);
    expect(home.text).toContain('<a href="/privacy">How we use these details</a>');
    for (const page of [home, notice, await request(app).get('/registered'), await request(app).get('/nowhere')])
      expect(page.text).toMatch(/<footer[\s\S]*<a href="\/privacy">Privacy notice<\/a>/);
  });
});
