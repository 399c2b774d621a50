/**
 * Integrity under hostile input and faults (the integrity review's findings), against the real
 * local tiers: the local API Gateway with the built bundles and dynalite, the Express frontend,
 * and slow or stuck Lambda handlers that really run in their own processes.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { startLocalApi } from '../scripts/local/api-gateway';
import { LambdaProcess } from '../scripts/local/lambda-process';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { migrate } from '../scripts/ops/backfill';
import { wordsTableOf } from '../core/name-words';
import { listenAsStudentApi, type StandIn, TEST_FRONTEND_ENV } from './helpers/net';
import { clearTable, indexedItem, putRaw, scanAll } from './helpers/store';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { localClient } from '../scripts/local/data-tier';
import { signedFetch } from '../scripts/local/signed-fetch';

let backend: LocalBackend;
let work: string;
beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  backend = await startBackend({ apiPort: 0 });
  work = mkdtempSync(path.join(os.tmpdir(), 'integrity-'));
});
afterAll(async () => {
  await backend.stop();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => clearTable(backend.data, backend.tableName));

const student = { name: 'Grace Hopper', age: '85', email: 'grace@example.com', country: 'USA' };
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  signedFetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** A proxy in front of the API that forwards every request but answers only after `delayMs`. */
async function slowProxy(target: string, delayMs: number): Promise<StandIn> {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = await fetch(`${target}${req.url?.replace(/^\/dev\/student/, '') ?? ''}`, {
      method: req.method,
      headers: { 'Content-Type': 'application/json' },
      ...(req.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
    });
    const text = await answer.text();
    setTimeout(() => res.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(text), delayMs);
  });
  return listenAsStudentApi(server);
}

describe('safe retries', () => {
  test('a signup the frontend could not confirm says the outcome is unknown; submitting again confirms it, stored once', async () => {
    const proxy = await slowProxy(backend.api.studentUrl, 600);
    try {
      const app = createApp(
        loadFrontendConfig({
          ...TEST_FRONTEND_ENV,
          API_ENDPOINT: proxy.url,
          API_TIMEOUT_MS: '200',
          LOG_LEVEL: 'silent',
        }),
      );
      const agent = request.agent(app);
      await agent.post('/students').type('form').send(student).expect(303).expect('Location', '/');
      const first = await agent.get('/');
      expect(first.text).toContain('it may or may not have been saved. Submitting the form again is safe');
      // The slow API did store it, after the frontend gave up waiting.
      for (let i = 0; i < 50 && (await scanAll(backend.data, backend.tableName)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      const direct = createApp(
        loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }),
      );
      const again = await request(direct).post('/students').type('form').send(student);
      expect(again.status).toBe(303);
      expect(await scanAll(backend.data, backend.tableName)).toEqual([student]);
    } finally {
      proxy.close();
    }
  });

  test('50 concurrent identical signups: all answered 200, one record', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(backend.api.studentUrl, student)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    expect(await scanAll(backend.data, backend.tableName)).toEqual([student]);
  });
});

describe('the local gateway', () => {
  test.each([['?constructor=x'], ['?__proto__=x'], ['?toString=x&hasOwnProperty=y']])(
    'a query %p is a plain parameter, not a 500',
    async (query) => {
      const res = await signedFetch(`${backend.api.studentUrl}${query}`);
      expect(res.status).toBe(200);
    },
  );

  test('a header named hasOwnProperty is a plain header', async () => {
    expect(
      (await signedFetch(backend.api.studentUrl, { headers: { hasOwnProperty: '1', constructor: '2' } })).status,
    ).toBe(200);
  });

  test('the answers the gateway gives itself (403, 413) carry no CORS origin by default: no browser is let in', async () => {
    const put = await signedFetch(backend.api.studentUrl, { method: 'PUT' });
    expect([put.status, put.headers.get('access-control-allow-origin')]).toEqual([403, null]);
    const huge = await post(backend.api.studentUrl, `{"name":"${'x'.repeat(10 * 1024 * 1024 + 10)}"}`);
    expect([huge.status, huge.headers.get('access-control-allow-origin')]).toEqual([413, null]);
    expect(await huge.json()).toEqual({ message: 'Request Too Long' });
  });
});

describe('functions that are slow or stuck (real handlers in their own processes)', () => {
  // A public API with one allowed origin: the gateway's own answers name it, as deployed.
  const ORIGIN = 'https://portal.example.edu';
  const PUBLIC = { access: 'public', corsOrigins: [ORIGIN] } as const;
  function handlerFile(name: string, body: string): string {
    const file = path.join(work, `${name}.cjs`);
    writeFileSync(file, `exports.handler = async (event) => { ${body} };`);
    return file;
  }
  const okResult = "return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '\"ok\"' };";

  test("past the concurrency limit the gateway answers 429 (with the public API's origin), instead of queueing without bound", async () => {
    const fn = new LambdaProcess({
      bundle: handlerFile('slow', `await new Promise((r) => setTimeout(r, 400)); ${okResult}`),
      functionName: 'slow',
      env: {},
    });
    const api = await startLocalApi({ port: 0, invoke: (_f, e) => fn.invoke(e), functionConcurrency: 3, ...PUBLIC });
    try {
      const answers = await Promise.all(Array.from({ length: 8 }, () => signedFetch(api.studentUrl)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(statuses.filter((s) => s === 429)).toHaveLength(5);
      const throttled = answers.find((a) => a.status === 429)!;
      expect(throttled.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      expect(throttled.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    } finally {
      await api.close();
      await fn.stop();
    }
  });

  test('a timed-out invocation is cancelled and its worker replaced; the next call works at once; 502 and 504 carry CORS', async () => {
    const stuck = handlerFile(
      'stuck',
      `if (event.queryStringParameters && event.queryStringParameters.hang) { await new Promise(() => {}); } ${okResult}`,
    );
    const fn = new LambdaProcess({ bundle: stuck, functionName: 'stuck', env: {}, timeoutMs: 300 });
    const api = await startLocalApi({ port: 0, invoke: (_f, e) => fn.invoke(e), ...PUBLIC });
    try {
      const hung = await signedFetch(`${api.studentUrl}?hang=1`);
      expect([hung.status, hung.headers.get('access-control-allow-origin')]).toEqual([502, ORIGIN]);
      const next = await signedFetch(api.studentUrl);
      expect(next.status).toBe(200);
      const slowGateway = await startLocalApi({
        port: 0,
        invoke: () => new Promise(() => {}),
        integrationTimeoutMs: 100,
        ...PUBLIC,
      });
      const timedOut = await signedFetch(slowGateway.studentUrl);
      expect([timedOut.status, timedOut.headers.get('access-control-allow-origin')]).toEqual([504, ORIGIN]);
      await slowGateway.close();
    } finally {
      await api.close();
      await fn.stop();
    }
  });

  test('a large body being parsed does not stall the data tier: it runs in a process of its own', async () => {
    expect(backend.data.process.pid).not.toBe(process.pid);
    const nested = `${'['.repeat(2_000_000)}${']'.repeat(2_000_000)}`;
    const [big, list] = await Promise.all([
      post(backend.api.studentUrl, nested),
      signedFetch(`${backend.api.studentUrl}?limit=1`),
    ]);
    expect(big.status).toBe(400);
    expect(list.status).toBe(200);
  });
});

describe('cross-site form posts', () => {
  const app = () =>
    createApp(loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }));
  test.each([[{ Origin: 'https://evil.example' }], [{ 'Sec-Fetch-Site': 'cross-site' }], [{ Origin: 'null' }]])(
    '%p is refused with 403 and stores nothing',
    async (headers) => {
      const res = await request(app()).post('/students').set(headers).type('form').send(student);
      expect(res.status).toBe(403);
      expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
    },
  );
  test('a same-origin post from the portal itself passes', async () => {
    const res = await request(app())
      .post('/students')
      .set({ 'Sec-Fetch-Site': 'same-origin' })
      .set('Host', 'portal.example')
      .set('Origin', 'http://portal.example')
      .type('form')
      .send(student);
    expect(res.status).toBe(303);
  });
});

describe('npm run backfill', () => {
  const db = () =>
    DynamoDBDocumentClient.from(localClient(backend.data.endpoint), { unmarshallOptions: { wrapNumbers: true } });
  const indexed = { email: 'indexed@example.com', name: 'Indexed Already', age: '33', country: 'SE' };
  const legacy = [
    { email: { S: 'LEGACY-UPPER@EXAMPLE.COM' }, name: { S: ' Legacy Upper ' }, age: { N: '30' }, country: { S: 'UK' } },
    { email: { S: 'Twin@Example.com' }, name: { S: 'Twin One' }, age: { S: '20' }, country: { S: 'FR' } },
    { email: { S: 'twin@example.com' }, name: { S: 'Twin Two' }, age: { S: '21' }, country: { S: 'DE' } },
    { email: { S: 'ok@example.com' }, name: { S: 'Already Fine' }, age: { S: '40' }, country: { S: 'NO' } },
    { email: { S: 'broken@example.com' }, name: { S: '\u200B' }, age: { S: '40' }, country: { S: 'NO' } },
  ];
  /** Indexed under an earlier fold (Ø kept as itself), with attributes another tool added. */
  const refolded = {
    email: { S: 'extra@example.com' },
    name: { S: 'Øyvind Extra' },
    age: { S: '22' },
    country: { S: 'NO' },
    phone: { S: '+47 5555 0000' },
    consentAt: { N: '1700000000' },
    tags: { SS: ['a', 'b'] },
    directory: { S: 'students' },
    nameKey: { S: 'øyvind extra\u0001extra@example.com' },
  };

  test('rewrites legacy keys, indexes records from before the name index or its fold (keeping attributes it does not own), keeps both sides of a conflict, is idempotent and resumes', async () => {
    await putRaw(backend.data, backend.tableName, [...legacy, refolded, indexedItem(indexed)]);
    // A name-words entry of the earlier fold, which no student calls for any more.
    const stale = { directory: { S: 'students' }, wordKey: { S: 'øyvind extra\u0001extra@example.com' } };
    await putRaw(backend.data, wordsTableOf(backend.tableName), [{ ...stale, email: { S: 'extra@example.com' } }]);
    const dry = await migrate(db(), backend.tableName, { dryRun: true });
    expect(dry).toMatchObject({ scanned: 7, alreadyNormal: 1, rewritten: ['LEGACY-UPPER@EXAMPLE.COM'] });
    expect(await scanAll(backend.data, backend.tableName, { raw: true })).toHaveLength(7);
    const first = await migrate(db(), backend.tableName, { dryRun: false });
    expect(first).toMatchObject({
      scanned: 7,
      alreadyNormal: 1,
      rewritten: ['LEGACY-UPPER@EXAMPLE.COM'],
      conflicts: [{ from: 'Twin@Example.com', to: 'twin@example.com' }],
    });
    expect([...first.indexed].sort()).toEqual(['extra@example.com', 'ok@example.com', 'twin@example.com']);
    // Re-indexed under the current fold, with every attribute it does not own kept as it was.
    const [extra] = (await scanAll(backend.data, backend.tableName, { raw: true })).filter(
      (i) => i.email === 'extra@example.com',
    );
    expect(extra).toEqual({
      ...unmarshall(refolded),
      nameKey: 'oyvind extra\u0001extra example.com\u0001extra@example.com',
    });
    expect(extra?.consentAt).toBe(1700000000);
    // Every normalisable record is now in the name order (the directory lists it).
    const listed = (await (await signedFetch(`${backend.api.studentUrl}?order=name`)).json()) as { email: string }[];
    expect(listed.map((s) => s.email)).toEqual([
      'ok@example.com',
      'indexed@example.com',
      'legacy-upper@example.com',
      'extra@example.com',
      'twin@example.com',
    ]);
    expect(first.unfixable.map((u) => u.key)).toEqual(['broken@example.com']);
    const emails = (await scanAll(backend.data, backend.tableName)).map((s) => s.email).sort();
    expect(emails).toEqual([
      'Twin@Example.com',
      'broken@example.com',
      'extra@example.com',
      'indexed@example.com',
      'legacy-upper@example.com',
      'ok@example.com',
      'twin@example.com',
    ]);
    const second = await migrate(db(), backend.tableName, { dryRun: false });
    expect(second).toMatchObject({ alreadyNormal: 5, rewritten: [], indexed: [], words: { added: 0, removed: 0 } });
    // Every student in the order has its name-words entries, and the earlier fold's is gone:
    // a search for the start of any word of a name finds it.
    expect(first.words.removed).toBe(1);
    const byWord = (await (await signedFetch(`${backend.api.studentUrl}?order=name&q=EXTRA`)).json()) as {
      email: string;
    }[];
    expect(byWord.map((s) => s.email)).toEqual(['extra@example.com']);
    // An interrupted run: the new record written, the old one not yet deleted.
    await putRaw(backend.data, backend.tableName, [legacy[0]!]);
    const resumed = await migrate(db(), backend.tableName, { dryRun: false });
    expect(resumed.resumed).toEqual(['LEGACY-UPPER@EXAMPLE.COM']);
    expect(
      (await scanAll(backend.data, backend.tableName)).filter((s) => String(s.email).startsWith('legacy')),
    ).toEqual([{ email: 'legacy-upper@example.com', name: 'Legacy Upper', age: '30', country: 'UK' }]);
  });
});

describe('npm start supervises', () => {
  test('when a tier dies, it says which, stops the others and exits 1: never half up', async () => {
    const dataDir = path.join(work, 'start-data');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, '..', 'scripts', 'start.ts')], {
      env: { ...process.env, PORT: '0', API_PORT: '0', STUDENTS_LOCAL_DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    while (!/processes: frontend (\d+), dynalite (\d+)/.test(out)) {
      if (child.exitCode !== null) throw new Error(`npm start exited: ${err}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const [, frontendPid, dynalitePid] = /processes: frontend (\d+), dynalite (\d+)/.exec(out)!;
    process.kill(Number(frontendPid), 'SIGKILL');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(err).toContain('the presentation tier (frontend) stopped unexpectedly (killed by SIGKILL)');
    expect(() => process.kill(Number(dynalitePid), 0)).toThrow();
  }, 60_000);
});
