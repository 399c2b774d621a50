/**
 * Real Terraform over the synthesized stacks: `terraform validate` of every stack in every
 * documented configuration, and the mock-plan `terraform test` files that evaluate expressions
 * (user data, cross-stack values, conditional resources). The provider comes from the mirror
 * when one is configured; see scripts/terraform/toolchain.ts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  checkStack,
  formatResult,
  passed,
  validateConfigurations,
  type ValidationReport,
} from '../scripts/terraform/validate';

let workDir: string;
let report: ValidationReport;
beforeAll(async () => {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'students-tf-'));
  report = await validateConfigurations({ workDir });
}, 300_000);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('every stack of every documented configuration validates, and its mock plan passes', () => {
  const failing = report.results.filter((r) => !r.valid || (r.tests?.failed ?? 1) > 0).map(formatResult);
  expect(failing).toEqual([]);
  expect(passed(report)).toBe(true);
  const covered = new Set(report.results.flatMap((r) => [r.configuration, ...r.sameIn]));
  expect([...covered].sort()).toEqual(['dev', 'nat-none', 'per-az', 'prod']);
  expect(report.results.every((r) => (r.tests?.passed ?? 0) >= 1)).toBe(true);
});

test('the report says which provider version validated, and that it stands in for the pin when it differs', () => {
  expect(report.pinnedVersion).toBe('6.25.0');
  expect(report.validatedVersion).toMatch(/^\d+\.\d+\.\d+$/);
  if (report.validatedVersion !== report.pinnedVersion)
    expect(report.toolchain.proxyVersion).toBe(report.validatedVersion);
});

test('the check can fail: the user data as it was once written (quotes inside a function call) is refused', async () => {
  const original = report.results.find((r) => r.configuration === 'dev' && r.stack === 'students-dev-frontend')!;
  const dir = path.join(workDir, 'broken-frontend');
  cpSync(original.dir, dir, { recursive: true });
  const file = path.join(dir, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  json.resource.aws_launch_template['launch-template'].user_data =
    '${base64encode("#!/bin/bash\\necho "bootstrap" done")}';
  writeFileSync(file, JSON.stringify(json, null, 2));
  const result = await checkStack(
    { configuration: 'dev', stack: 'students-dev-frontend', dir, sameIn: [] },
    report.toolchain,
    false,
  );
  expect(result.valid).toBe(false);
  expect(result.diagnostics.join('\n')).toMatch(/cdk\.tf\.json:\d+: error: Missing argument separator/);
});

test('the check can fail: a mock-plan assertion that does not hold fails the stack', async () => {
  const original = report.results.find((r) => r.configuration === 'dev' && r.stack === 'students-dev-data')!;
  const dir = path.join(workDir, 'broken-data');
  cpSync(original.dir, dir, { recursive: true });
  const test = path.join(dir, 'students-dev-data.tftest.hcl');
  writeFileSync(test, readFileSync(test, 'utf8').replace('hash_key == "email"', 'hash_key == "name"'));
  const result = await checkStack(
    { configuration: 'dev', stack: 'students-dev-data', dir, sameIn: [] },
    report.toolchain,
    true,
  );
  expect(result.valid).toBe(true);
  expect(result.tests).toMatchObject({ passed: 0, failed: 1 });
  expect(result.tests?.output).toContain('partition key is email');
});
