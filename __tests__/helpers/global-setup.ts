/**
 * Builds the Lambdas and the frontend once for the whole run, into a temporary folder that every
 * test finds through STUDENTS_DIST_DIR: the tests test what `npm run build` makes, and never
 * write into the working tree.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
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
  const { buildAll } = await import('../../scripts/build');
  await buildAll(dir);
}
