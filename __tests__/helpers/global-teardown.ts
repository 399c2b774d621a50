/** Removes the build folder the global setup made (not one the caller provided). */
import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  if (process.env.STUDENTS_TEST_OWNS_DIST && process.env.STUDENTS_DIST_DIR)
    rmSync(process.env.STUDENTS_DIST_DIR, { recursive: true, force: true });
}
