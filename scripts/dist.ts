/**
 * Where the project lives and where builds go. `STUDENTS_DIST_DIR` moves the build output (the
 * tests build into a temporary folder, so they never write into the working tree).
 */
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const DIST = process.env.STUDENTS_DIST_DIR
  ? path.resolve(process.env.STUDENTS_DIST_DIR)
  : path.join(ROOT, 'dist');
