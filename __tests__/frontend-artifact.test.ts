/**
 * dist/frontend is the artifact the instances run: it starts with plain `node server.js` from
 * an empty directory (no node_modules), and drains in-flight requests on SIGTERM.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnFrontend } from '../scripts/local/frontend-process';
import { USER_DATA_TEMPLATE } from '../stacks/user-data';

const DIST = path.resolve(__dirname, '..', 'dist', 'frontend');

function startArtifact(dir: string, apiEndpoint: string): Promise<{ child: ChildProcess; port: number }> {
  // No PATH and no node_modules: only what the artifact directory holds.
  return spawnFrontend({ serverJs: path.join(dir, 'server.js'), env: { PATH: '', PORT: '0', HOST: '127.0.0.1', API_ENDPOINT: apiEndpoint, LOG_LEVEL: 'info' } });
}

describe('frontend artifact', () => {
  let dir: string;
  let api: http.Server;
  let apiUrl: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'students-artifact-'));
    cpSync(DIST, dir, { recursive: true });
    // A slow API: each list takes 600 ms, so requests are in flight when SIGTERM arrives.
    api = http.createServer((_req, res) => setTimeout(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]'), 600));
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
    const inFlight = Array.from({ length: 10 }, () => fetch(`http://127.0.0.1:${port}/`).then((r) => r.status));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGTERM');
    expect(await Promise.all(inFlight)).toEqual(Array(10).fill(200));
    expect(await exited).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});

describe('user data', () => {
  const shellcheck = spawnSync('shellcheck', ['--version']);
  // CI installs shellcheck (.ci/run); a developer machine without it skips this one test.
  (shellcheck.status === 0 || process.env.CI ? test : test.skip)('passes shellcheck', () => {
    const res = spawnSync('shellcheck', ['--shell=bash', USER_DATA_TEMPLATE], { encoding: 'utf8' });
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});
