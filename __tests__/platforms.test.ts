/** The lock-file check behind `npm run check:platforms` (the installs themselves run in CI). */
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
