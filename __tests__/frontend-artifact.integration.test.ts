/**
 * dist/frontend.zip is the artifact the instances run: unpacked into an empty directory (no
 * node_modules), it starts with plain `node server.js`, and drains in-flight requests on SIGTERM,
 * as one process or as a primary with workers (one per vCPU, as the instances run it).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnFrontend } from '../scripts/local/frontend-process';
import { SHUTDOWN_GRACE_MS } from '../ec2-frontend/src/server';
import { frontendZipPath } from '../scripts/build';
import { extractZip } from './helpers/zip';
import { TEST_FRONTEND_ENV } from './helpers/net';
import { LOCAL_AWS_ENV } from '../scripts/local/data-tier';

function startArtifact(
  dir: string,
  apiEndpoint: string,
  options: { workers?: number; port?: number; onLine?: (line: string) => void } = {},
): Promise<{ child: ChildProcess; port: number }> {
  // No PATH and no node_modules: only what the artifact directory holds.
  return spawnFrontend({
    serverJs: path.join(dir, 'server.js'),
    env: {
      PATH: '',
      PORT: String(options.port ?? 0),
      HOST: '127.0.0.1',
      API_ENDPOINT: apiEndpoint,
      ...TEST_FRONTEND_ENV,
      ...LOCAL_AWS_ENV,
      LOG_LEVEL: 'info',
      ...(options.workers ? { FRONTEND_WORKERS: String(options.workers) } : {}),
    },
    ...(options.onLine ? { onLine: options.onLine } : {}),
  });
}

/** The primary's workers, as Linux lists a process's children. */
function workerPids(primary: ChildProcess): number[] {
  const file = `/proc/${primary.pid}/task/${primary.pid}/children`;
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Polls until `check` holds; fails with `what` after the timeout. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((r) => setImmediate(r));
  }
}

/** Requests the stub API has received, and who waits for that count to grow. */
let arrived = 0;
const waiters: (() => void)[] = [];
async function untilArrived(count: number): Promise<void> {
  while (arrived < count) await new Promise<void>((r) => waiters.push(r));
}

describe('frontend artifact', () => {
  let dir: string;
  let api: http.Server;
  let apiUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'students-artifact-'));
    extractZip(readFileSync(frontendZipPath()), dir);
    // A slow API: each list takes 600 ms, so requests are in flight when SIGTERM arrives.
    api = http.createServer((_req, res) => {
      arrived += 1;
      for (const waiter of waiters.splice(0)) waiter();
      setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'), 600);
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/dev/student`;
  });
  afterAll(() => {
    api.closeAllConnections();
    api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('holds the server bundle, views and static assets, and no node_modules', () => {
    expect(readdirSync(dir).sort()).toEqual(expect.arrayContaining(['public', 'server.js', 'views']));
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
  });

  test('runs with plain node from an empty directory and serves the page', async () => {
    const { child, port } = await startArtifact(dir, apiUrl);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('Student Registration Portal');
      expect((await fetch(`http://127.0.0.1:${port}/static/app.css`)).status).toBe(200);
    } finally {
      child.kill('SIGKILL');
    }
  });

  test.each([1, 2])(
    'SIGTERM with %i worker(s): in-flight requests complete, new connections are refused, and the process exits 0',
    async (workers) => {
      const { child, port } = await startArtifact(dir, apiUrl, { workers });
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      const before = arrived;
      const inFlight = Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status));
      // Every request has reached the API behind the frontend, so all ten are in flight.
      await untilArrived(before + 10);
      const signalled = Date.now();
      child.kill('SIGTERM');
      expect(await Promise.all(inFlight)).toEqual(Array(10).fill(200));
      expect(await exited).toBe(0);
      // The client keeps its connections alive; the drain closes them as their answers finish,
      // rather than waiting out the grace.
      expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_GRACE_MS / 5);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    },
  );

  test('two workers: the primary reports once, replaces a worker that crashes, and keeps serving', async () => {
    const lines: string[] = [];
    const { child, port } = await startArtifact(dir, apiUrl, { workers: 2, onLine: (l) => lines.push(l) });
    try {
      expect(lines.filter((l) => l.includes('"frontend listening"'))).toEqual([expect.stringContaining('"workers":2')]);
      const [first, second] = workerPids(child);
      expect([first, second].every(Boolean)).toBe(true);
      process.kill(first as number, 'SIGKILL');
      await until('a replacement worker', () => {
        const pids = workerPids(child);
        return pids.length === 2 && !pids.includes(first as number) && pids.includes(second as number);
      });
      await until('the exit logged', () =>
        lines.some((l) => /"msg":"frontend worker exited".*"signal":"SIGKILL"/.test(l)),
      );
      for (let i = 0; i < 4; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('two workers on a port that is taken: the start fails with code 1, naming the port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as AddressInfo).port;
    const lines: string[] = [];
    try {
      await expect(
        startArtifact(dir, apiUrl, { workers: 2, port: taken, onLine: (l) => lines.push(l) }),
      ).rejects.toThrow(/exited with code 1 before listening/);
      expect(lines).toContain(`frontend: port ${taken} is already in use`);
    } finally {
      blocker.close();
    }
  });
});
