/**
 * dist/frontend.zip is the artifact the instances run: unpacked into an empty directory (no
 * node_modules), it starts with plain `node server.js`, and drains in-flight requests on SIGTERM.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnFrontend } from '../scripts/local/frontend-process';
import { frontendZipPath } from '../scripts/build';
import { extractZip } from './helpers/zip';

function startArtifact(dir: string, apiEndpoint: string): Promise<{ child: ChildProcess; port: number }> {
  // No PATH and no node_modules: only what the artifact directory holds.
  return spawnFrontend({
    serverJs: path.join(dir, 'server.js'),
    env: { PATH: '', PORT: '0', HOST: '127.0.0.1', API_ENDPOINT: apiEndpoint, LOG_LEVEL: 'info' },
  });
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

  test('SIGTERM: in-flight requests complete, new connections are refused, and the process exits 0', async () => {
    const { child, port } = await startArtifact(dir, apiUrl);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const before = arrived;
    const inFlight = Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status));
    // Every request has reached the API behind the frontend, so all ten are in flight.
    await untilArrived(before + 10);
    child.kill('SIGTERM');
    expect(await Promise.all(inFlight)).toEqual(Array(10).fill(200));
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
