/**
 * Index changes in order (expand, backfill, switch): while the name order cannot be read, the list
 * function answers 503 with `directory-not-ready`, never 500, and the portal shows the unordered
 * list with a notice. Switched off by configuration on the real local stack; a backfilling index,
 * which dynalite cannot produce, from a stand-in answering DynamoDB's documented error.
 */
import { DIRECTORY_NOT_READY } from '../core/contract';
import { buildProxyEvent } from '../scripts/local/proxy-event';
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { dynamoErrorServer } from './helpers/net';
import { loadHandler, stopHandlers } from './helpers/store';
import { pageProblems } from './helpers/html';
import { signedFetch } from '../scripts/local/signed-fetch';

afterAll(stopHandlers);

const ordered = () =>
  buildProxyEvent({ method: 'GET', resource: '/student', path: '/student', query: { order: 'name', limit: '10' } });

test('a backfilling name index answers 503 directory-not-ready, never 500', async () => {
  const store = await dynamoErrorServer(
    'com.amazon.coral.validate#ValidationException',
    'Cannot read from backfilling global secondary index: by-name',
  );
  try {
    const endpoint = store.endpoint;
    const res = await loadHandler('bundle', 'list-students', { endpoint, tableName: 'students-table' })(ordered());
    expect(res.statusCode).toBe(503);
    expect(JSON.parse(res.body)).toEqual({
      message: 'The name index is still being built; the unordered list is available',
      code: DIRECTORY_NOT_READY,
    });
    expect(store.calls()).toBeGreaterThan(0);
  } finally {
    store.close();
  }
});

describe('STUDENTS_DIRECTORY_ORDER=false on the local stack', () => {
  let stack: LocalStack;
  beforeAll(async () => {
    stack = await startLocalStack({ webPort: 0, apiPort: 0, directoryOrder: false });
    for (const [i, name] of ['Zoe Last', 'Ada First', 'Mia Middle'].entries()) {
      const body = JSON.stringify({ name, age: '20', email: `switch${i}@example.com`, country: 'UK' });
      const res = await signedFetch(stack.studentUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
    }
  });
  afterAll(() => stack?.stop());

  test('the API says the name order is not ready; the unordered list still answers', async () => {
    const res = await signedFetch(`${stack.studentUrl}?order=name`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe(DIRECTORY_NOT_READY);
    const all = (await (await signedFetch(stack.studentUrl)).json()) as { name: string }[];
    expect(all.map((s) => s.name).sort()).toEqual(['Ada First', 'Mia Middle', 'Zoe Last']);
  });

  test('the portal shows every student unordered, with a notice, in a whole page', async () => {
    const page = await fetch(stack.webUrl);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(
      'The list by name is being prepared: until it is ready, students are shown in no particular order',
    );
    expect(html).toContain('The first 3 students, in no particular order.');
    for (const name of ['Ada First', 'Mia Middle', 'Zoe Last'])
      expect(html).toContain(`<td data-label="Name">${name}</td>`);
    expect(await pageProblems(html)).toEqual([]);
  });

  test('a search says it is unavailable for now, instead of failing', async () => {
    const html = await (
      await fetch(`${stack.webUrl}/search`, { method: 'POST', body: new URLSearchParams({ q: 'ada' }) })
    ).text();
    expect(html).toContain('The list by name is being prepared, so search is unavailable for now.');
    expect(html).not.toContain('<table');
    expect(await pageProblems(html)).toEqual([]);
  });
});
