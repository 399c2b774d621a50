/**
 * Builds the Lambdas and the frontend once for the whole run, into a temporary folder that every
 * test finds through STUDENTS_DIST_DIR: the tests test what `npm run build` makes, and never
 * write into the working tree.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default async function globalSetup(): Promise<void> {
  if (process.env.STUDENTS_DIST_DIR) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'students-dist-'));
  process.env.STUDENTS_DIST_DIR = dir;
  process.env.STUDENTS_TEST_OWNS_DIST = '1';
  // Loaded after the variable is set: dist.ts reads it once.
  const { buildAll } = await import('../../scripts/build');
  await buildAll(dir);
}
