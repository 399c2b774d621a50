/**
 * The plan guard over `terraform show -json` plans: real ones that Terraform 1.11 made with its
 * built-in `terraform_data` (fixtures/plans/real: every action kind, an errored and a targeted
 * plan), and hand-written ones in the documented format for AWS resources.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkFiles, EXIT } from '../scripts/ops/plan-check';
import { attributeChanges } from '../scripts/ops/plan-diff';
import { analyse, kindOf, type PlanJson, planLine } from '../scripts/ops/plan-guard';
import { failureHint } from '../scripts/ops/failure-hint';
import { STATEFUL_RESOURCES, statefulRuleFor } from '../stacks/stateful';

const PLANS = path.join(__dirname, 'fixtures', 'plans');
const plan = (name: string) => path.join(PLANS, name);
const read = (name: string) => JSON.parse(readFileSync(plan(name), 'utf8')) as PlanJson;

describe('actions and counts', () => {
  test('classifies every action list Terraform documents, create-then-forget included', () => {
    expect(kindOf(['create'])).toBe('create');
    expect(kindOf(['update'])).toBe('update');
    expect(kindOf(['delete'])).toBe('delete');
    expect(kindOf(['delete', 'create'])).toBe('replace');
    expect(kindOf(['create', 'delete'])).toBe('replace');
    expect(kindOf(['forget'])).toBe('forget');
    expect(kindOf(['create', 'forget'])).toBe('create-forget');
    expect(kindOf(['no-op'])).toBe('no-op');
    expect(kindOf(['read'])).toBe('read');
    expect(() => kindOf(['explode'])).toThrow(/unknown action/);
  });

  test("a real plan: the counts are Terraform's own Plan: line, forget and import included", () => {
    const report = analyse('mixed', read('real/terraform-data-mixed.json'));
    const terraformsLine = readFileSync(plan('real/terraform-data-mixed.plan-line.txt'), 'utf8').trim();
    expect(planLine(report.counts).startsWith(terraformsLine)).toBe(true);
    expect(report.counts).toEqual({ import: 1, add: 3, change: 2, destroy: 3, forget: 1 });
    const byKind = Object.fromEntries(report.changes.map((c) => [c.address, c.kind]));
    expect(byKind).toMatchObject({
      'terraform_data.created': 'create',
      'terraform_data.update': 'update',
      'terraform_data.gone': 'delete',
      'terraform_data.replace_dbc': 'replace',
      'terraform_data.replace_cbd': 'replace',
      'terraform_data.forgotten': 'forget',
    });
    expect(report.changes.find((c) => c.address === 'terraform_data.imported')?.importing).toBe(true);
    const orders = report.changes.filter((c) => c.kind === 'replace').map((c) => [c.address, c.order]);
    expect(orders).toEqual(
      expect.arrayContaining([
        ['terraform_data.replace_cbd', 'create-before-destroy'],
        ['terraform_data.replace_dbc', 'destroy-before-create'],
      ]),
    );
  });

  test('changed attributes before → after; sensitive values masked; unknown ones named', () => {
    const report = analyse('mixed', read('real/terraform-data-mixed.json'));
    const attrs = (address: string) => report.changes.find((c) => c.address === address)?.attributes;
    expect(attrs('terraform_data.update')).toEqual([
      { path: 'input', before: '"v1"', after: '"v2"' },
      { path: 'output', before: '"v1"', after: '(known after apply)' },
    ]);
    expect(attrs('terraform_data.secret')).toContainEqual({
      path: 'input',
      before: '(sensitive)',
      after: '(sensitive)',
    });
    expect(JSON.stringify(report)).not.toContain('n3w-s3cret');
    expect(attributeChanges({ actions: ['update'], before: { a: [1, 2] }, after: { a: [1, 3] } })).toEqual([
      { path: 'a.1', before: '2', after: '3' },
    ]);
  });
});

describe('what the guard refuses', () => {
  test.each([
    ['table-replace.json', 'aws_dynamodb_table.students-table', 'replace'],
    ['tainted-table.json', 'aws_dynamodb_table.students-table', 'replace'],
    ['bucket-delete.json', 'aws_s3_bucket.artifact-bucket', 'delete'],
    ['table-forget.json', 'aws_dynamodb_table.students-table', 'forget'],
  ])('%s: refuses %s (it would %s it), unless named with --allow-destroy', (file, address, verb) => {
    const refused = checkFiles([plan(file)]);
    expect(refused.exitCode).toBe(EXIT.refused);
    expect(refused.output).toMatch(new RegExp(`${address.replace('.', '\\.')} would ${verb} it`));
    expect(refused.output).toContain('plan guard: REFUSED');
    expect(checkFiles(['--allow-destroy', address, plan(file)]).exitCode).toBe(EXIT.passed);
    // An exception names one stack when given as stack:address.
    expect(checkFiles([`--allow-destroy=other-stack:${address}`, plan(file)]).exitCode).toBe(EXIT.refused);
  });

  test('switching off a protection: table deletion protection and PITR, bucket force_destroy, ALB deletion protection, versioning', () => {
    const report = analyse('students-dev-data', read('protections-off.json'));
    expect(report.refusals.map((r) => [r.address, r.why.replace(/ \(.*$/, '')])).toEqual([
      ['aws_dynamodb_table.students-table', 'would switch off deletion protection'],
      ['aws_dynamodb_table.students-table', 'would switch off point-in-time recovery'],
      ['aws_s3_bucket.artifact-bucket', 'would switch off keeping the objects on destroy'],
      ['aws_lb.alb', 'would switch off deletion protection'],
      ['aws_s3_bucket_versioning.artifact-bucket-versioning', 'would switch off versioning'],
    ]);
    expect(checkFiles([plan('protections-off.json')]).exitCode).toBe(EXIT.refused);
    const allowAll = [
      'aws_dynamodb_table.students-table',
      'aws_s3_bucket.artifact-bucket',
      'aws_lb.alb',
      'aws_s3_bucket_versioning.artifact-bucket-versioning',
    ];
    expect(
      checkFiles([...allowAll.flatMap((a) => ['--allow-unprotect', a]), plan('protections-off.json')]).exitCode,
    ).toBe(EXIT.passed);
    // --allow-destroy is not an allowance to unprotect.
    expect(
      checkFiles([...allowAll.flatMap((a) => ['--allow-destroy', a]), plan('protections-off.json')]).exitCode,
    ).toBe(EXIT.refused);
  });

  test('an errored plan and an incomplete (targeted) plan, both made by Terraform, cannot be allowed', () => {
    for (const [file, why] of [
      ['real/errored.json', /the plan errored/],
      ['real/targeted.json', /incomplete/],
    ] as const) {
      const res = checkFiles(['--allow-destroy', '(plan)', plan(file)]);
      expect(res.exitCode).toBe(EXIT.refused);
      expect(res.output).toMatch(why);
      expect(res.output).toContain('cannot be allowed');
    }
  });

  test('drift is shown with what changed outside Terraform; imports are listed', () => {
    const drift = checkFiles([plan('drift-ssh-open.json')]);
    expect(drift.output).toContain('changed outside Terraform since the last apply (drift):');
    expect(drift.output).toContain('cidr_ipv4: "203.0.113.0/24" → "0.0.0.0/0"');
    const imported = checkFiles([plan('table-import.json')]);
    expect(imported.output).toContain('Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.');
    expect(imported.output).toContain('import   aws_dynamodb_table.students-table');
  });

  test('a plan that creates a whole environment against empty state gets a loud warning', () => {
    const fresh: PlanJson = {
      format_version: '1.2',
      resource_changes: [{ address: 'aws_vpc.vpc', mode: 'managed', type: 'aws_vpc', change: { actions: ['create'] } }],
    };
    expect(analyse('students-prod-network', fresh).warnings[0]).toMatch(
      /every resource would be created and the state is empty/,
    );
    expect(analyse('students-dev-data', read('protections-off.json')).warnings).toEqual([]);
  });
});

describe('outputs and exit codes', () => {
  test('text, Markdown and JSON carry the same verdict', () => {
    const text = checkFiles([plan('table-replace.json')]);
    const md = checkFiles(['--markdown', plan('table-replace.json')]);
    const json = checkFiles(['--json', plan('table-replace.json')]);
    expect(text.output).toContain('plan guard: REFUSED (1)');
    expect(md.output).toMatch(/^<!-- plan-guard part 1\/1 -->\n### plan guard: REFUSED \(1\)/);
    expect(md.output).toContain('| replace | <code>aws&#95;dynamodb&#95;table.students-table</code> |');
    expect(JSON.parse(json.output)).toMatchObject({
      schema: 'students-plan-guard',
      version: 2,
      passed: false,
      refused: 1,
      stacks: [{ stack: 'table-replace', planLine: 'Plan: 1 to add, 0 to change, 1 to destroy.' }],
    });
    expect([text.exitCode, md.exitCode, json.exitCode]).toEqual([EXIT.refused, EXIT.refused, EXIT.refused]);
  });

  test('passed, refused and bad input have distinct exit codes', () => {
    expect(checkFiles([plan('noop.json')]).exitCode).toBe(EXIT.passed);
    expect(new Set([EXIT.passed, EXIT.refused, EXIT.usage]).size).toBe(3);
    expect(checkFiles([])).toMatchObject({ exitCode: EXIT.usage, error: expect.stringMatching(/usage/) });
    expect(checkFiles(['--frobnicate', plan('noop.json')])).toMatchObject({
      exitCode: EXIT.usage,
      error: expect.stringMatching(/unknown option/),
    });
    expect(checkFiles([path.join(__dirname, '..', 'package.json')])).toMatchObject({
      exitCode: EXIT.usage,
      error: expect.stringMatching(/not a terraform show -json plan/),
    });
    expect(checkFiles(['/nonexistent/plan.json']).exitCode).toBe(EXIT.usage);
  });

  test('names the stack after plans/<stack>/plan.json', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plans-'));
    try {
      const file = path.join(dir, 'students-dev-data', 'plan.json');
      mkdirSync(path.dirname(file));
      writeFileSync(file, readFileSync(plan('noop.json')));
      expect(checkFiles([file]).output).toContain('students-dev-data: Plan: 0 to add, 0 to change, 0 to destroy.');
      expect(statSync(file).isFile()).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('the stateful list is one place, with a reason for each entry', () => {
  for (const address of [
    'aws_dynamodb_table.students-table',
    'aws_s3_bucket.artifact-bucket',
    'aws_s3_bucket.alb-log-bucket',
    'aws_cloudwatch_log_group.flow-log-group',
    'aws_lb.alb',
    'aws_vpc.vpc',
    'aws_subnet.private-subnet-0',
    'aws_api_gateway_rest_api.api',
    'aws_eip.nat-ip-0',
    'module.x.aws_dynamodb_table.anything',
  ]) {
    expect([address, statefulRuleFor(address)?.why]).toEqual([address, expect.any(String)]);
  }
  expect(STATEFUL_RESOURCES.every((r) => r.why.length > 10)).toBe(true);
  expect(statefulRuleFor('aws_s3_bucket_policy.artifact-bucket-policy')).toBeUndefined();
  expect(statefulRuleFor('aws_launch_template.launch-template')).toBeUndefined();
});

test('a failed plan or apply gets the hint that fits what Terraform said', () => {
  expect(failureHint('Error: Instance cannot be destroyed … lifecycle.prevent_destroy set')).toMatch(
    /lift deletion protection first[\s\S]*--allow-destroy/,
  );
  expect(failureHint('Error: Unable to find remote state')).toMatch(/"waits for"/);
  expect(failureHint('Error acquiring the state lock')).toMatch(/waited 2m[\s\S]*A stuck state lock/);
  expect(failureHint('Error: Saved plan is stale')).toMatch(/npm run plan -- --from/);
  expect(failureHint('Error: No valid credential sources found')).toMatch(/credentials are missing or expired/);
  expect(failureHint('Error: something else')).toMatch(/terraform's errors above/);
});
