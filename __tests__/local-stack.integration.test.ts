/**
 * The three tiers on one machine, started in-process on free ports, driven over HTTP the way
 * the reference design's browser page and our server-rendered UI use them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { SIGNUP_SUCCESS_MESSAGE } from '../core/contract';
import { wordsTableOf } from '../core/name-words';
import { ensureStudentsTable, localClient, startDataTier } from '../scripts/local/data-tier';
import { indexedItem } from './helpers/store';
import { startLocalStack, type LocalStack } from '../scripts/local/stack';
import { signedFetch } from '../scripts/local/signed-fetch';

const student = { name: 'Grace Hopper', age: '85', email: 'grace@navy.mil', country: 'USA' };

describe('local stack', () => {
  let stack: LocalStack;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'students-local-'));
    stack = await startLocalStack({ webPort: 0, apiPort: 0, dataDir });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the API answers the portal alone: anonymous calls get 403, signed ones (the local credentials) the reference contract', async () => {
    for (const init of [{}, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }]) {
      const anonymous = await fetch(stack.studentUrl, init);
      expect([anonymous.status, await anonymous.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
    }
    const post = await signedFetch(stack.studentUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(student),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    expect(await post.text()).toBe(JSON.stringify(SIGNUP_SUCCESS_MESSAGE));
    const get = await signedFetch(stack.studentUrl);
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe('application/json');
    expect(await get.json()).toContainEqual(student);
  });

  test('no preflight: the default API has no CORS, so no browser page can call it', async () => {
    const res = await fetch(stack.studentUrl, {
      method: 'OPTIONS',
      headers: { Origin: 'http://example.com', 'Access-Control-Request-Method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('unknown routes and methods answer 403 Missing Authentication Token, as API Gateway does', async () => {
    for (const [method, url] of [
      ['GET', `${stack.apiUrl}/dev/nothing`],
      ['GET', `${stack.apiUrl}/student`],
      ['DELETE', stack.studentUrl],
      ['PUT', stack.studentUrl],
    ] as const) {
      const res = await fetch(url, { method });
      expect([method, url, res.status]).toEqual([method, url, 403]);
      expect(await res.json()).toEqual({ message: 'Missing Authentication Token' });
    }
  });

  test('a body that is not a JSON object is refused by the request model, saying why; field errors name the field', async () => {
    const post = (body: string) =>
      signedFetch(stack.studentUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    for (const body of ['not json', '[1,2]', '"text"']) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(/^Invalid request body: \[.+\]$/);
    }
    for (const [body, field] of [
      ['{"name":123,"age":"2","email":"a@b.co","country":"UK"}', 'name'],
      ['{"age":"2","email":"a@b.co","country":"UK"}', 'name'],
      ['{"name":"","age":"2","email":"a@b.co","country":"UK"}', 'name'],
      [JSON.stringify({ ...student, age: 22.5 }), 'age'],
      [JSON.stringify({ ...student, email: 'x@y' }), 'email'],
    ] as const) {
      const res = await post(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { message: string; errors: { field: string }[] };
      expect(answer.errors.map((e) => e.field)).toEqual([field]);
      expect(answer.message).toMatch(new RegExp(`^${field}: `));
    }
  });

  test('the query string reaches the handler: limit and cursor page through', async () => {
    for (let i = 0; i < 3; i++) {
      await signedFetch(stack.studentUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...student, email: `p${i}@example.com` }),
      });
    }
    const first = await signedFetch(`${stack.studentUrl}?limit=2`);
    expect(await first.json()).toHaveLength(2);
    const cursor = first.headers.get('x-next-cursor');
    expect(cursor).toBeTruthy();
    const bad = await signedFetch(`${stack.studentUrl}?limit=0`);
    expect(bad.status).toBe(400);
  });

  test('the UI: a form POST redirects to the confirmation, and the list shows the new student', async () => {
    const body = new URLSearchParams({ name: 'Katherine Johnson', age: '101', email: 'kj@nasa.gov', country: 'USA' });
    const post = await fetch(`${stack.webUrl}/students`, { method: 'POST', body, redirect: 'manual' });
    expect(post.status).toBe(303);
    const cookie = (post.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const page = await fetch(`${stack.webUrl}${post.headers.get('location')}`, { headers: { cookie } });
    expect(await page.text()).toContain('Katherine Johnson is registered');
    expect(await (await fetch(stack.webUrl)).text()).toContain('<td data-label="Name">Katherine Johnson</td>');
  });

  test('a port that is already taken gets a clear error naming the tier', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      await expect(startLocalStack({ webPort: port, apiPort: 0 })).rejects.toThrow(
        `presentation tier (frontend): port ${port} on 127.0.0.1 is already in use`,
      );
      await expect(startLocalStack({ webPort: 0, apiPort: port })).rejects.toThrow(
        /logic tier \(local API Gateway\): port \d+ .* already in use/,
      );
    } finally {
      blocker.close();
    }
  });

  test('a restart keeps the data; fresh starts empty', async () => {
    await stack.stop();
    stack = await startLocalStack({ webPort: 0, apiPort: 0, dataDir });
    const kept = (await (await signedFetch(stack.studentUrl)).json()) as { email: string }[];
    expect(kept.map((s) => s.email)).toContain(student.email);
    await stack.stop();
    stack = await startLocalStack({ webPort: 0, apiPort: 0, dataDir, fresh: true });
    expect(await (await signedFetch(stack.studentUrl)).json()).toEqual([]);
  });
});

test('a local table from an earlier release (no name index, no name-words table) is rebuilt, and its students get their name-words entries', async () => {
  const data = await startDataTier({ port: 0 });
  const client = localClient(data.endpoint);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: 'old',
        AttributeDefinitions: [{ AttributeName: 'email', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await client.send(
      new PutItemCommand({
        TableName: 'old',
        Item: indexedItem({ name: 'María José García', age: '30', email: 'm@x.org', country: 'ES' }),
      }),
    );
    expect(await ensureStudentsTable(data.endpoint, 'old')).toBe('rebuilt');
    const entries = (await client.send(new ScanCommand({ TableName: wordsTableOf('old') }))).Items ?? [];
    expect(entries.map((e) => e.wordKey?.S?.split('\u0001')[0])).toEqual([
      'garcia',
      'jose garcia',
      'maria jose garcia',
    ]);
    // A second start changes nothing.
    expect(await ensureStudentsTable(data.endpoint, 'old')).toBe('existing');
  } finally {
    client.destroy();
    await data.close();
  }
});
