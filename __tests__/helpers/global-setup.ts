/**
 * Builds the Lambdas and the frontend once for the whole run, into a temporary folder that every
 * test finds through STUDENTS_DIST_DIR: the tests test what `npm run build` makes, and never
 * write into the working tree. The unit lane alone (`npm run test:unit`) gets stub archives: it
 * synthesizes, and synthesis needs the files to exist, not what is in them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What it reads of jest's global configuration: the lanes `--selectProjects` chose. */
interface SelectedLanes {
  readonly selectProjects?: readonly string[];
}

export default async function globalSetup(globalConfig: SelectedLanes): Promise<void> {
  // Frontends created inside a test sign their API calls with the local stack's credentials, as
  // the local gateway expects (a developer's own AWS credentials would be refused, and never used).
  const { LOCAL_AWS_ENV } = await import('../../scripts/local/data-tier');
  Object.assign(process.env, LOCAL_AWS_ENV);
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN']) delete process.env[name];
  if (process.env.STUDENTS_DIST_DIR) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'students-dist-'));
  process.env.STUDENTS_DIST_DIR = dir;
  process.env.STUDENTS_TEST_OWNS_DIST = '1';
  // Loaded after the variable is set: dist.ts reads it once.
  const { buildAll, frontendZipPath, lambdaZipPath } = await import('../../scripts/build');
  if (globalConfig.selectProjects?.length === 1 && globalConfig.selectProjects[0] === 'unit') {
    // The unit lane only synthesizes, which needs an asset file and never reads it: a stub each.
    const { FUNCTION_NAMES } = await import('../../core/contract');
    for (const file of [...FUNCTION_NAMES.map((fn) => lambdaZipPath(fn, dir)), frontendZipPath(dir)]) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, `stub asset for the unit lane: ${path.basename(file)}\n`);
    }
    return;
  }
  await buildAll(dir);
}
