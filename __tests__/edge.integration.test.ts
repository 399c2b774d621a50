/**
 * The edge, locally: the API answers signed calls of the portal alone (IAM), public access is a
 * choice, the gateway checks route, size and signature before it reads a body and cuts off slow
 * clients, the data tier refuses by UTF-8 bytes what DynamoDB refuses, and a page of the
 * directory costs the same few DynamoDB requests wherever it is.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import net from 'node:net';
import request from 'supertest';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { CORS_HEADERS } from '../core/contract';
import { directoryAttributes } from '../core/directory';
import { startLocalApi } from '../scripts/local/api-gateway';
import { localClient } from '../scripts/local/data-tier';
import { signedFetch } from '../scripts/local/signed-fetch';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { pagerLink, rowsOf } from './helpers/html';
import { TEST_FRONTEND_ENV } from './helpers/net';
import { clearTable, indexedItem, putRaw, scanAll } from './helpers/store';

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
});
afterAll(() => backend.stop());
beforeEach(() => clearTable(backend.data, backend.tableName));

const student = { name: 'Ada Lovelace', age: '36', email: 'ada@example.com', country: 'United Kingdom' };
const json = { 'Content-Type': 'application/json' };

describe('IAM access (the default)', () => {
  test('an unsigned call, a signature by other keys, and a stale signature get 403; nothing is written', async () => {
    const url = new URL(backend.api.studentUrl);
    const sign = (secretAccessKey: string, signingDate = new Date()) =>
      new SignatureV4({
        service: 'execute-api',
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey },
        sha256: Hash.bind(null, 'sha256'),
      }).sign(
        {
          method: 'POST',
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          headers: { ...json, host: url.host },
          body: JSON.stringify(student),
        },
        { signingDate },
      );
    const unsigned = await fetch(url, { method: 'POST', headers: json, body: JSON.stringify(student) });
    expect([unsigned.status, await unsigned.json()]).toEqual([403, { message: 'Missing Authentication Token' }]);
    for (const signed of [await sign('not-the-key'), await sign('local', new Date(Date.now() - 10 * 60_000))]) {
      const { host: _host, ...headers } = signed.headers;
      const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(student) });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { message: string }).message).toMatch(
        /signature .*does not match|Signature expired/,
      );
    }
    // A good signature over another body: the body was changed on the way.
    const good = await sign('local');
    const { host: _host, ...headers } = good.headers;
    const swapped = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ ...student, age: '99' }) });
    expect(swapped.status).toBe(403);
    expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
  });

  test('a signup that is not JSON (a CORS simple request any page could send) is refused with 415', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await signedFetch(backend.api.studentUrl, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: JSON.stringify(student),
      });
      expect([res.status, await res.json()]).toEqual([415, { message: 'Content-Type must be application/json' }]);
    }
    expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
  });

  test('the portal signs its calls: it lists and signs up through the IAM-only API', async () => {
    const app = createApp(
      loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }),
    );
    await request(app).post('/students').type('form').send(student).expect(303);
    expect(rowsOf((await request(app).get('/').expect(200)).text)).toEqual([student]);
  });
});

describe('the gateway reads no body it would refuse, and cuts off slow clients', () => {
  /** Sends a request head that promises a body, and resolves with what comes back before any body is sent. */
  function headOnly(port: number, head: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(head));
      let answer = '';
      socket.on('data', (d) => {
        answer += d.toString();
        if (answer.includes('\r\n\r\n')) {
          resolve(answer.split('\r\n')[0] as string);
          socket.destroy();
        }
      });
      socket.on('error', reject);
    });
  }

  test('an unknown route, an unsigned call and a declared oversize body are answered before the body arrives', async () => {
    const { port } = backend.api;
    const promise = (path: string, length: number, extra = '') =>
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;
    expect(await headOnly(port, promise('/dev/nothing', 1000))).toBe('HTTP/1.1 403 Forbidden');
    expect(await headOnly(port, promise('/dev/student', 1000))).toBe('HTTP/1.1 403 Forbidden');
    expect(await headOnly(port, promise('/dev/student', 11 * 1024 * 1024, 'Authorization: x\r\n'))).toBe(
      'HTTP/1.1 413 Payload Too Large',
    );
  });

  test('a client that trickles its headers is disconnected', async () => {
    const api = await startLocalApi({
      port: 0,
      invoke: async () => ({ statusCode: 200, body: '[]' }),
      headersTimeoutMs: 300,
    });
    try {
      const socket = net.connect(api.port, '127.0.0.1', () => socket.write('GET /dev/student HTTP/1.1\r\nHost: x\r\n'));
      const ended = await new Promise<string>((resolve) => {
        let got = '';
        socket.on('data', (d) => {
          got += d.toString();
        });
        socket.on('close', () => resolve(got));
      });
      // Node answers 408 and closes: the connection is not held open for the client's convenience.
      expect(ended).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await api.close();
    }
  });
});

describe('public access (STUDENTS_API_ACCESS=public)', () => {
  let open: LocalBackend;
  const origin = 'https://portal.example.edu';
  beforeAll(async () => {
    open = await startBackend({ apiPort: 0, apiAccess: 'public', corsOrigins: [origin] });
  });
  afterAll(() => open.stop());

  test('anyone may call; CORS answers only the allowed origin, and its preflight exists', async () => {
    const anonymous = await fetch(open.api.studentUrl, { headers: { Origin: origin } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('access-control-allow-origin')).toBe(origin);
    const foreign = await fetch(open.api.studentUrl, { headers: { Origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(open.api.studentUrl, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(200);
    for (const [name, value] of Object.entries({ ...CORS_HEADERS, 'Access-Control-Allow-Origin': origin }))
      expect(preflight.headers.get(name)).toBe(value);
  });
});

describe('the local data tier counts bytes, as DynamoDB does', () => {
  const client = () => localClient(backend.data.endpoint);
  const item = (email: string, extra: Record<string, string> = {}) =>
    Object.fromEntries(Object.entries({ ...student, email, ...extra }).map(([k, v]) => [k, { S: v }]));

  test('a partition key over 2,048 bytes (1,100 characters of 2 bytes) is refused on write and read', async () => {
    const db = client();
    try {
      const long = `${'ж'.repeat(1100)}@x.co`;
      await expect(db.send(new PutItemCommand({ TableName: backend.tableName, Item: item(long) }))).rejects.toThrow(
        /hashkey has exceeded the maximum size limit of ?2048 bytes/,
      );
      await expect(
        db.send(new GetItemCommand({ TableName: backend.tableName, Key: { email: { S: long } } })),
      ).rejects.toThrow(/2048 bytes/);
      // 1,000 characters of 2 bytes fit.
      await db.send(new PutItemCommand({ TableName: backend.tableName, Item: item(`${'ж'.repeat(1000)}@x.co`) }));
    } finally {
      db.destroy();
    }
  });

  test('an index sort key over 1,024 bytes fails the write, and an item over 400 KB of UTF-8 is refused', async () => {
    const db = client();
    try {
      const name = 'ж'.repeat(600);
      const keys = { directory: 'students', nameKey: `${name}\u0001a@x.co` };
      await expect(
        db.send(new PutItemCommand({ TableName: backend.tableName, Item: item('a@x.co', { name, ...keys }) })),
      ).rejects.toThrow(/range keys has exceeded the size limit of 1024 bytes/);
      await expect(
        db.send(
          new PutItemCommand({ TableName: backend.tableName, Item: item('b@x.co', { country: 'ж'.repeat(210_000) }) }),
        ),
      ).rejects.toThrow(/Item size has exceeded the maximum allowed size/);
      expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
    } finally {
      db.destroy();
    }
  });

  test('a name that folds to 18 times its length, with a long email, still fits the index: the signup is stored', async () => {
    // U+FDFA folds to 18 letters and spaces: the fold is cut to fit beside the email.
    const long = {
      ...student,
      name: '\uFDFA'.repeat(100),
      email: `${'é'.repeat(32)}@${'d'.repeat(63)}.${'e'.repeat(63)}.example.com`,
    };
    const res = await signedFetch(backend.api.studentUrl, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(long),
    });
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(directoryAttributes(long).nameKey as string)).toBeLessThanOrEqual(1024);
  });
});

describe('a page costs what a page costs, wherever it is', () => {
  test('400 students share a name among 100 others: the page with the last of them costs at most 2 DynamoDB requests', async () => {
    const zeds = Array.from({ length: 400 }, (_, i) =>
      indexedItem({ name: 'Zed', age: '20', email: `zed${String(i).padStart(3, '0')}@x.org`, country: 'X' }),
    );
    const others = Array.from({ length: 100 }, (_, i) =>
      indexedItem({ name: `Amy ${String(i).padStart(3, '0')}`, age: '20', email: `amy${i}@x.org`, country: 'X' }),
    );
    await putRaw(backend.data, backend.tableName, [...others, ...zeds]);
    const app = createApp(
      loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }),
    );
    /** The page and the DynamoDB requests it took. */
    const visit = async (href: string) => {
      const before = await backend.data.served();
      const res = await request(app).get(href).expect(200);
      const after = await backend.data.served();
      const cost = Object.entries(after).reduce((n, [op, count]) => n + count - (before[op] ?? 0), 0);
      return { res, cost };
    };
    let href: string | undefined = '/';
    let last: { cost: number; emails: string[] } | undefined;
    const costs: number[] = [];
    while (href) {
      const { res, cost } = await visit(href);
      costs.push(cost);
      const emails = rowsOf(res.text).map((r) => r.email);
      if (emails.includes('zed399@x.org')) last = { cost, emails };
      href = pagerLink(res.text, 'next');
    }
    expect(costs).toHaveLength(10);
    expect(last?.emails.at(-1)).toBe('zed399@x.org');
    expect(last!.cost).toBeLessThanOrEqual(2);
    for (const cost of costs) expect(cost).toBeLessThanOrEqual(2);
  });

  test('a search by the start of any word ("garcia" in "Maria Garcia"): every page, forward and back, at most 2 requests', async () => {
    await clearTable(backend.data, backend.tableName);
    const garcias = Array.from({ length: 120 }, (_, i) => {
      const n = String(i).padStart(3, '0');
      // Last names, second of three, first names, hyphenated: a word of the name wherever it is.
      const name = [`Maria ${n} Garcia`, `Ana Garcia Lopez ${n}`, `Garcia ${n}`, `Jean-Garcia ${n}`][i % 4] as string;
      return indexedItem({ name, age: '20', email: `g${n}@x.org`, country: 'X' });
    });
    const others = Array.from({ length: 60 }, (_, i) =>
      indexedItem({ name: `Garcon Other ${i}`, age: '20', email: `o${i}@x.org`, country: 'X' }),
    );
    await putRaw(backend.data, backend.tableName, [...garcias, ...others]);
    const app = createApp(
      loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: backend.api.studentUrl, LOG_LEVEL: 'silent' }),
    );
    const posted = await request(app).post('/search').type('form').send({ q: 'GARCÍA' }).expect(303);
    const seen: string[] = [];
    const pages: string[] = [];
    for (let href: string | undefined = String(posted.headers.location); href; ) {
      const before = await backend.data.served();
      const res: request.Response = await request(app).get(href).expect(200);
      const after = await backend.data.served();
      expect(Object.entries(after).reduce((n, [op, count]) => n + count - (before[op] ?? 0), 0)).toBeLessThanOrEqual(2);
      seen.push(...rowsOf(res.text).map((r) => r.email));
      pages.push(href);
      href = pagerLink(res.text, 'next');
    }
    expect([...seen].sort()).toEqual(Array.from({ length: 120 }, (_, i) => `g${String(i).padStart(3, '0')}@x.org`));
    // Back from the last page to the first, the same pages.
    const back = await request(app).get(pages.at(-1)!).expect(200);
    const prev = await request(app).get(pagerLink(back.text, 'prev')!).expect(200);
    const second = await request(app).get(pages.at(-2)!).expect(200);
    expect(rowsOf(prev.text)).toEqual(rowsOf(second.text));
  });
});
