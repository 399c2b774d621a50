/**
 * After `npm install`: drops from package-lock.json the optional platform binaries that the
 * registry this project installs from does not serve (other operating systems' builds of
 * @swc/core and unrs-resolver). npm records them as dependencies without entries, and `npm ci`
 * then refuses the lock as out of sync. Usage: tsx scripts/prune-lockfile.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type Entry = { optionalDependencies?: Record<string, string> };
const file = path.resolve(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages: Record<string, Entry> };

function present(owner: string, dep: string): boolean {
  // npm resolves from the owner's own node_modules outwards, as require does.
  let dir = owner;
  for (;;) {
    if (lock.packages[`${dir ? `${dir}/` : ''}node_modules/${dep}`]) return true;
    if (!dir) return false;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i === -1 ? '' : dir.slice(0, i);
  }
}

let pruned = 0;
for (const [key, entry] of Object.entries(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const dep of Object.keys(entry.optionalDependencies)) {
    if (!present(key, dep)) {
      delete entry.optionalDependencies[dep];
      pruned++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`pruned ${pruned} optional dependencies the registry does not serve`);
