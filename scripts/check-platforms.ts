/**
 * `npm run check:platforms`: does the lock file install on every machine a developer uses? For
 * each platform it runs `npm ci --os --cpu --ignore-scripts` in a scratch copy of package.json
 * and the lock file, then checks that every package shipping per-platform native builds (SWC,
 * esbuild, Biome, TypeScript, the resolver, the file watcher) got the one for that platform.
 * A lock file pruned of a platform's builds installs without them, silently; this says so.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const PLATFORMS = [
  ['darwin', 'arm64'],
  ['darwin', 'x64'],
  ['win32', 'x64'],
  ['linux', 'x64'],
  ['linux', 'arm64'],
] as const;

interface LockFile {
  readonly packages: Record<string, { optionalDependencies?: Record<string, string> }>;
}

/** Per-platform builds a package offers for `platform` ("darwin-arm64"): its optional dependencies named so. */
function buildsFor(optional: readonly string[], platform: string): string[] {
  return optional.filter((name) => new RegExp(`(^|[-/])${platform}(-|$)`).test(name));
}

/**
 * The packages that offer a native build for the platform but got none installed, each with the
 * builds it offers. `installed` tells whether a package is present in the scratch install.
 */
export function missingNativeBuilds(
  lock: LockFile,
  platform: string,
  installed: (name: string) => boolean,
): { pkg: string; offers: string[] }[] {
  const missing: { pkg: string; offers: string[] }[] = [];
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (!where.startsWith('node_modules/') || where.lastIndexOf('node_modules/') !== 0) continue;
    const offers = buildsFor(Object.keys(entry.optionalDependencies ?? {}), platform);
    if (offers.length > 0 && !offers.some(installed))
      missing.push({ pkg: where.slice('node_modules/'.length), offers });
  }
  return missing;
}

function main(): number {
  const root = path.resolve(__dirname, '..');
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as LockFile;
  let failed = 0;
  for (const [osName, cpu] of PLATFORMS) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `students-platform-${osName}-${cpu}-`));
    try {
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(path.join(root, f), path.join(dir, f));
      const started = Date.now();
      const npm = spawnSync(
        'npm',
        ['ci', `--os=${osName}`, `--cpu=${cpu}`, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: dir, encoding: 'utf8' },
      );
      const platform = `${osName}-${cpu}`;
      if (npm.status !== 0) {
        failed++;
        console.log(`FAIL  ${platform}: npm ci failed\n${npm.stderr.trim()}`);
        continue;
      }
      const missing = missingNativeBuilds(lock, platform, (name) => existsSync(path.join(dir, 'node_modules', name)));
      const took = `${((Date.now() - started) / 1000).toFixed(0)} s`;
      if (missing.length === 0) console.log(`ok    ${platform}: every native build installed (${took})`);
      else {
        failed++;
        for (const m of missing) console.log(`FAIL  ${platform}: ${m.pkg} got none of ${m.offers.join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(failed === 0 ? 'check:platforms: passed' : `check:platforms: ${failed} platform(s) failed`);
  return failed === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main());
