/**
 * `npm run build` makes reproducible archives: unchanged sources give byte-identical zips, so
 * asset hashes, S3 keys and Lambda code hashes are stable and an unchanged plan is empty.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FUNCTION_NAMES } from '../core/contract';
import { buildAll, frontendDir, frontendZipPath, lambdaBundleDir, lambdaZipPath } from '../scripts/build';
import { listFiles, zipDirectory } from '../scripts/zip';
import { buildApp } from '../main';
import { loadConfig } from '../stacks/config';
import { readZip } from './helpers/zip';

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function synthJson(distDir: string): Record<string, any> {
  const outdir = tmp('students-repro-out-');
  const { app, api, frontend } = buildApp(loadConfig({}), { outdir, distDir });
  app.synth();
  const read = (stack: string) => JSON.parse(readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8'));
  return { api: read(api.stackName), frontend: read(frontend.stackName) };
}

describe('reproducible build', () => {
  let first: string;
  let second: string;
  beforeAll(async () => {
    first = tmp('students-repro-a-');
    second = tmp('students-repro-b-');
    await buildAll(first);
    await buildAll(second);
  }, 60_000);

  test('two builds of unchanged sources give byte-identical zips', () => {
    for (const zip of [frontendZipPath, ...FUNCTION_NAMES.map((fn) => (d: string) => lambdaZipPath(fn, d))]) {
      expect(readFileSync(zip(second)).equals(readFileSync(zip(first)))).toBe(true);
    }
  });

  test('modification times and the order files were written in do not reach the archive', () => {
    const copy = tmp('students-repro-copy-');
    cpSync(frontendDir(first), copy, { recursive: true });
    const files = listFiles(copy);
    files.forEach((f, i) => {
      const when = new Date(Date.UTC(2001, 0, 1 + i));
      utimesSync(path.join(copy, f), when, when);
    });
    const out = path.join(tmp('students-repro-zip-'), 'frontend.zip');
    zipDirectory(copy, out);
    expect(readFileSync(out).equals(readFileSync(frontendZipPath(first)))).toBe(true);
  });

  test('each zip holds exactly its directory, sorted, with one fixed timestamp and plain permissions', () => {
    const check = (zip: string, dir: string) => {
      const entries = readZip(readFileSync(zip));
      expect(entries.map((e) => e.name)).toEqual(listFiles(dir));
      for (const e of entries) {
        expect(e.data.equals(readFileSync(path.join(dir, e.name)))).toBe(true);
        expect([e.dosDate, e.dosTime, e.mode]).toEqual([0x21, 0, 0o100644]);
      }
    };
    check(frontendZipPath(first), frontendDir(first));
    for (const fn of FUNCTION_NAMES) check(lambdaZipPath(fn, first), lambdaBundleDir(fn, first));
    expect(readZip(readFileSync(lambdaZipPath('list-students', first))).map((e) => e.name)).toEqual([
      'index.js',
      'index.js.map',
    ]);
  });

  test('two synths of the two builds plan the same code: keys, asset paths and hashes are equal', () => {
    const [a, b] = [synthJson(first), synthJson(second)];
    expect(b.frontend.resource.aws_s3_object).toEqual(a.frontend.resource.aws_s3_object);
    expect(b.frontend.locals).toEqual(a.frontend.locals);
    for (const fn of FUNCTION_NAMES) {
      const [x, y] = [a.api.resource.aws_lambda_function[fn], b.api.resource.aws_lambda_function[fn]];
      expect([y.filename, y.source_code_hash]).toEqual([x.filename, x.source_code_hash]);
    }
  });
});
