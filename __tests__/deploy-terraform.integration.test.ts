/**
 * The environment as a set, with real Terraform and no AWS (helpers/tf-environment): a new
 * environment, `STUDENTS_AZ_COUNT` 2→3 and NAT `single`→`per-az` go through `npm run plan` and
 * `npm run deploy`, each stack that reads a changed output planned, guarded and shown only after
 * its producer is applied; afterwards every stack plans empty. A reviewed plan swapped for another
 * is refused; a failure in the middle stack is resumed without applying the first again.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from '../scripts/ops/cli';
import { run } from './helpers/ops';
import { type ShapeOptions, TF_STACKS, writeEnvironment } from './helpers/tf-environment';

const hasTerraform = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
const maybe = hasTerraform ? describe : describe.skip;

let work: string;
beforeEach(() => {
  work = mkdtempSync(path.join(os.tmpdir(), 'tf-env-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

const env = () => ({
  STUDENTS_ENV: 'dev',
  STUDENTS_STACKS_FROM: path.join(work, 'ready'),
  STUDENTS_OUT_DIR: path.join(work, 'cdktf.out'),
  STUDENTS_PLANS_DIR: path.join(work, 'plans'),
  CHECKPOINT_DISABLE: '1',
});
// Real terraform from PATH: not the stand-in.
const ops = (script: string, args: string[]) => run(script, args, env(), { path: [] });
const shape = (s: ShapeOptions) => writeEnvironment(path.join(work, 'ready'), s);
const manifest = () =>
  JSON.parse(readFileSync(path.join(work, 'plans', 'dev', 'manifest.json'), 'utf8')) as {
    stacks: { stack: string; state: string; waitsFor?: string[]; outputChanges?: string[] }[];
  };
const states = () => Object.fromEntries(manifest().stacks.map((s) => [s.stack, s.state]));

/** `terraform plan -detailed-exitcode` of every stack: 0 means nothing to change. */
function planExitCodes(): Record<string, number | null> {
  return Object.fromEntries(
    TF_STACKS.map((stack) => [
      stack,
      spawnSync('terraform', ['plan', '-detailed-exitcode', '-input=false', '-no-color'], {
        cwd: path.join(work, 'cdktf.out', 'stacks', stack),
        encoding: 'utf8',
      }).status,
    ]),
  );
}
const allEmpty = Object.fromEntries(TF_STACKS.map((s) => [s, 0]));
const serial = (stack: string) =>
  (JSON.parse(readFileSync(path.join(work, `terraform.${stack}.tfstate`), 'utf8')) as { serial: number }).serial;

function deployNew(): void {
  shape({ azCount: 2, natMode: 'single' });
  const planned = ops('plan.ts', []);
  expect(planned.status).toBe(EXIT.ok);
  expect(planned.stdout).toContain('students-dev-frontend: waits for students-dev-network');
  const deployed = ops('deploy.ts', ['--auto-approve', '--replan-consumers']);
  expect(deployed.stderr).toContain('failed: none; not started: none');
  expect(deployed.status).toBe(EXIT.ok);
}

maybe('the environment as a set, with real Terraform', () => {
  test('a new environment: the stacks that read outputs are planned after their producers apply; then all plan empty', () => {
    deployNew();
    expect(states()).toEqual(Object.fromEntries(TF_STACKS.map((s) => [s, 'applied'])));
    expect(planExitCodes()).toEqual(allEmpty);
  });

  test('npm run -s plan -- --json: stdout is one JSON document when planning passes and when it fails', () => {
    shape({ azCount: 2, natMode: 'single' });
    const planned = ops('plan.ts', ['--json', '--json-file', path.join(work, 'report.json')]);
    expect(planned.status).toBe(EXIT.ok);
    const report = JSON.parse(planned.stdout);
    expect(report).toMatchObject({ schema: 'students-plan-guard', version: 2, passed: true });
    expect(report.stacks.map((s: { stack: string }) => s.stack)).toEqual(['students-dev-network']);
    expect(JSON.parse(readFileSync(path.join(work, 'report.json'), 'utf8'))).toEqual(report);
    const failed = ops('plan.ts', ['--json', '--from', 'students-dev-nosuch']);
    expect(failed.status).toBe(EXIT.usage);
    expect(JSON.parse(failed.stdout).error).toEqual({
      exitCode: EXIT.usage,
      message: expect.stringContaining('--from students-dev-nosuch: not a stack'),
    });
  });

  test('STUDENTS_AZ_COUNT 2→3: the frontend waits for the new subnet output; --auto-approve stops for review, a re-run applies', () => {
    deployNew();
    shape({ azCount: 3, natMode: 'single' });
    const planned = ops('plan.ts', []);
    expect(planned.status).toBe(EXIT.ok);
    expect(manifest().stacks.find((s) => s.stack === 'students-dev-network')?.outputChanges).toEqual([
      'cross-stack-output-aws_subnetprivate-subnet-2id',
    ]);
    expect(states()).toEqual({
      'students-dev-network': 'planned',
      'students-dev-frontend': 'waits',
      'students-dev-monitoring': 'waits',
    });
    const first = ops('deploy.ts', ['--auto-approve']);
    expect(first.status).toBe(EXIT.stalePlan);
    expect(first.stderr).toContain('students-dev-frontend: planned now that students-dev-network is applied; review');
    // The new plan was guarded and shown before anything of it was applied.
    expect(first.stdout).toMatch(
      /students-dev-frontend: Plan: 0 to add, 1 to change, 0 to destroy\.[\s\S]*plan guard: passed/,
    );
    expect(states()['students-dev-frontend']).toBe('planned');
    const second = ops('deploy.ts', ['--auto-approve']);
    expect(second.stderr).toContain('Resuming: students-dev-network applied already');
    // Monitoring waited for the frontend, whose outputs kept their values: its new plan is empty.
    expect(second.stdout).toContain('students-dev-monitoring: the new plan changes nothing; applied without asking.');
    expect(second.status).toBe(EXIT.ok);
    expect(planExitCodes()).toEqual(allEmpty);
  });

  test('NAT single→per-az: monitoring waits for the new NAT output, the frontend does not; --replan-consumers applies all', () => {
    deployNew();
    shape({ azCount: 2, natMode: 'per-az' });
    expect(ops('plan.ts', []).status).toBe(EXIT.ok);
    expect(manifest().stacks.map((s) => [s.stack, s.state, s.waitsFor ?? []])).toEqual([
      ['students-dev-network', 'planned', []],
      ['students-dev-frontend', 'planned', []],
      ['students-dev-monitoring', 'waits', ['students-dev-network']],
    ]);
    const deployed = ops('deploy.ts', ['--auto-approve', '--replan-consumers']);
    expect(deployed.status).toBe(EXIT.ok);
    expect(deployed.stdout).toMatch(/students-dev-monitoring: Plan: 1 to add, 0 to change, 0 to destroy\./);
    expect(planExitCodes()).toEqual(allEmpty);
  });

  test('a reviewed plan swapped for a destroy plan after review: exit 4, nothing applied from it', () => {
    deployNew();
    shape({ azCount: 3, natMode: 'single' });
    expect(ops('plan.ts', []).status).toBe(EXIT.ok);
    const network = path.join(work, 'cdktf.out', 'stacks', 'students-dev-network');
    const saved = path.join(work, 'plans', 'dev', 'students-dev-network', 'tfplan');
    // A genuine plan of the same stack, made by the same Terraform: it destroys every resource.
    const swap = spawnSync('terraform', ['plan', '-destroy', '-input=false', `-out=${saved}`], {
      cwd: network,
      encoding: 'utf8',
    });
    expect(swap.status).toBe(0);
    const serialBefore = serial('students-dev-network');
    const res = ops('deploy.ts', ['--auto-approve']);
    expect(res.status).toBe(EXIT.stalePlan);
    expect(res.stderr).toContain('students-dev-network: ');
    expect(res.stderr).toContain('is not the plan that was reviewed');
    expect(res.stdout).not.toContain('Apply complete');
    expect(serial('students-dev-network')).toBe(serialBefore);
    // What was deployed is still there: the network plans only the reviewed change (the new subnet).
    const after = spawnSync('terraform', ['plan', '-no-color', '-input=false'], { cwd: network, encoding: 'utf8' });
    expect(after.stdout).toContain('Plan: 1 to add, 0 to change, 0 to destroy.');
  });

  test('a failure in the middle stack, then a resume that does not apply the first again', () => {
    shape({ azCount: 2, natMode: 'single' });
    expect(ops('plan.ts', []).status).toBe(EXIT.ok);
    writeFileSync(path.join(work, 'fail-frontend'), '');
    const failed = ops('deploy.ts', ['--auto-approve', '--replan-consumers']);
    expect(failed.status).toBe(EXIT.failed);
    expect(failed.stderr).toContain('failed: students-dev-frontend; not started: students-dev-monitoring');
    const networkSerial = serial('students-dev-network');
    rmSync(path.join(work, 'fail-frontend'));
    const refused = ops('deploy.ts', ['--auto-approve']);
    expect(refused.status).toBe(EXIT.stalePlan);
    expect(refused.stderr).toContain('npm run plan -- --from students-dev-frontend');
    expect(ops('plan.ts', ['--from', 'students-dev-frontend']).status).toBe(EXIT.ok);
    const resumed = ops('deploy.ts', ['--auto-approve', '--replan-consumers']);
    expect(resumed.status).toBe(EXIT.ok);
    expect(resumed.stderr).toContain('Resuming: students-dev-network applied already');
    expect(serial('students-dev-network')).toBe(networkSerial);
    expect(existsSync(path.join(work, 'terraform.students-dev-monitoring.tfstate'))).toBe(true);
    expect(planExitCodes()).toEqual(allEmpty);
  });
});
