/**
 * The frontend's HTTP client against real loopback servers: kept-alive connections, the one
 * retry of a reused connection the server reset, and a deadline over the whole exchange.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { CallFailed, call, IDLE_CONNECTION_MS } from '../ec2-frontend/src/http-call';
import { closedPortUrl } from './helpers/net';

const servers: { close: () => void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** Listens on a free loopback port; the test's end closes it and every connection it holds. */
async function listen(server: net.Server): Promise<URL> {
  const open = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () => {
      for (const socket of open) socket.destroy();
      server.close();
    },
  });
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/student`);
}

const get = { method: 'GET', headers: { Accept: 'application/json' }, timeoutMs: 2000 } as const;

test('calls on one kept-alive connection, sending the body with its length and reading the answer', async () => {
  const connections = new Set<net.Socket>();
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    connections.add(req.socket);
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers['content-length'] ?? '-'} ${body}`);
      res.writeHead(201, { 'X-Next-Cursor': 'abc' }).end('{"ok":true}');
    });
  });
  const url = await listen(server);
  const posted = await call(url, { method: 'POST', headers: {}, body: '{"name":"Zoë"}', timeoutMs: 2000 });
  const got = await call(new URL(`${url}?limit=2`), get);
  expect([posted.status, posted.text, got.headers['x-next-cursor']]).toEqual([201, '{"ok":true}', 'abc']);
  expect(seen).toEqual(['POST /dev/student 15 {"name":"Zoë"}', 'GET /dev/student?limit=2 - ']);
  expect(connections.size).toBe(1);
});

/** A raw server: answers the first request on each connection, then resets the connection at the next one. */
function resettingServer(): { server: net.Server; requests: () => number; connections: () => number } {
  let requests = 0;
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    let answered = false;
    socket.on('data', () => {
      requests++;
      if (answered) {
        socket.resetAndDestroy();
      } else {
        answered = true;
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n[]');
      }
    });
  });
  return { server, requests: () => requests, connections: () => connections };
}

test('a kept-alive connection the server resets at reuse is retried once, on a new connection', async () => {
  const s = resettingServer();
  const url = await listen(s.server);
  expect((await call(url, get)).text).toBe('[]');
  expect((await call(url, get)).text).toBe('[]');
  // The reset request, then its retry on a second connection.
  expect([s.requests(), s.connections()]).toEqual([3, 2]);
});

test('a new connection that is reset is not retried: the caller gets ECONNRESET', async () => {
  let requests = 0;
  const server = net.createServer((socket) =>
    socket.on('data', () => {
      requests++;
      socket.resetAndDestroy();
    }),
  );
  const url = await listen(server);
  await expect(call(url, get)).rejects.toMatchObject({ name: 'CallFailed', reason: 'ECONNRESET' });
  expect(requests).toBe(1);
});

test('the deadline covers the body: headers then silence fail as a timeout, on time', async () => {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('[');
  });
  const url = await listen(server);
  const started = Date.now();
  const failure = await call(url, { ...get, timeoutMs: 300 }).catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(CallFailed);
  expect((failure as CallFailed).reason).toBe('timeout');
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  expect(Date.now() - started).toBeLessThan(2000);
});

test('an answer larger than any page is cut off and refused', async () => {
  const server = http.createServer((_req, res) => res.end(Buffer.alloc(5 * 1024 * 1024, 0x20)));
  const url = await listen(server);
  await expect(call(url, get)).rejects.toMatchObject({ reason: 'too-large' });
});

test('a refused connection names its code', async () => {
  const url = new URL(`${await closedPortUrl()}/dev/student`);
  await expect(call(url, get)).rejects.toMatchObject({ reason: 'ECONNREFUSED' });
});

test('an answer slower than the idle-connection limit still arrives within the call deadline', async () => {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('[]'), IDLE_CONNECTION_MS + 300);
  });
  const url = await listen(server);
  const reply = await call(url, { ...get, timeoutMs: IDLE_CONNECTION_MS + 3000 });
  expect([reply.status, reply.text]).toEqual([200, '[]']);
}, 15_000);
