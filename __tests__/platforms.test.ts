/** The lock-file check behind `npm run check:platforms` (the installs themselves run in CI). */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { missingNativeBuilds, PLATFORMS } from '../scripts/check-platforms';

const lock = JSON.parse(readFileSync(path.join(__dirname, '..', 'package-lock.json'), 'utf8'));

test('every platform a developer uses is offered a native build of SWC, esbuild, Biome and the resolver', () => {
  for (const [os, cpu] of PLATFORMS) {
    const offered = missingNativeBuilds(lock, `${os}-${cpu}`, () => false).map((m) => m.pkg);
    expect([`${os}-${cpu}`, offered]).toEqual([
      `${os}-${cpu}`,
      expect.arrayContaining(['@swc/core', 'esbuild', '@biomejs/biome', 'unrs-resolver']),
    ]);
  }
});

test('an install that lacks one of them is reported, naming the package and the builds it offers', () => {
  const installed = (name: string) => name !== '@swc/core-darwin-arm64';
  expect(missingNativeBuilds(lock, 'darwin-arm64', installed)).toEqual([
    { pkg: '@swc/core', offers: ['@swc/core-darwin-arm64'] },
  ]);
  expect(missingNativeBuilds(lock, 'darwin-arm64', () => true)).toEqual([]);
  // linux-x64 has two builds (glibc and musl): either will do.
  expect(
    missingNativeBuilds(lock, 'linux-x64', (n) => n === '@swc/core-linux-x64-musl').map((m) => m.pkg),
  ).not.toContain('@swc/core');
});

test('npm install on an older Node says so and what to do, and goes on; on Node 22 it says nothing', () => {
  const notice = (agent: string) =>
    spawnSync(process.execPath, [path.join(__dirname, '..', 'scripts', 'node-version.cjs')], {
      env: { ...process.env, npm_config_user_agent: agent },
      encoding: 'utf8',
    });
  const old = notice('npm/11.19.1 node/v20.20.2 linux x64 workspaces/false');
  expect(old.status).toBe(0);
  expect(old.stderr).toContain('This project runs on Node 22 (.nvmrc); npm is running on Node 20.20.2.');
  expect(old.stderr).toContain('nvm use');
  const current = notice('npm/11.19.1 node/v22.23.3 linux x64 workspaces/false');
  expect([current.status, current.stderr]).toEqual([0, '']);
});
