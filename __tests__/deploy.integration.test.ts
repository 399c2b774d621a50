/**
 * `npm run deploy` with the stand-in `terraform` (fixtures/bin): only the reviewed plans, bound by
 * their sha256 in the manifest; applied from a private copy; never twice; resumed after a
 * failure; one run per environment at a time. Real Terraform: deploy-terraform.integration.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXIT } from '../scripts/ops/cli';
import { answerOnTerminal, opsWorkspace, run, STACKS, start, until, synthesizedOnce } from './helpers/ops';

// Each test runs whole commands (a plan of five stacks, then a deploy), a dozen Node processes in
// a row: on two busy cores that has taken over jest's default 30 s. A ceiling, not a target.
jest.setTimeout(120_000);

const { ws, tfEnv, calls, fixture, applied, savedPlanOf } = opsWorkspace(synthesizedOnce());
const planFirst = () => expect(run('plan.ts', [], tfEnv()).status).toBe(EXIT.ok);
const manifest = () =>
  JSON.parse(readFileSync(path.join(ws.work, 'saved-plans', 'dev', 'manifest.json'), 'utf8')) as {
    stacks: { stack: string; state: string; sha256: string; verdict: string }[];
  };
const resetLog = () => writeFileSync(ws.log, '');

test('without reviewed plans it refuses (exit 4) and plans nothing behind the reviewer', () => {
  const res = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(res.status).toBe(EXIT.stalePlan);
  expect(res.stderr).toContain('npm run plan first');
  expect(calls()).toEqual([]);
});

test('plan records every plan with its sha256 and verdict; deploy applies private copies of exactly those, once', () => {
  fixture('students-dev-api', 'mixed.json');
  planFirst();
  const m = manifest();
  expect(m.stacks.map((s) => [s.stack, s.state, s.verdict])).toEqual(STACKS.map((s) => [s, 'planned', 'passed']));
  expect(m.stacks.every((s) => /^[0-9a-f]{64}$/.test(s.sha256))).toBe(true);
  const before = readFileSync(savedPlanOf('students-dev-api', 'plan.json'), 'utf8');
  resetLog();
  const res = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(res.status).toBe(EXIT.ok);
  expect(calls().some((c) => / (plan|init) /.test(c))).toBe(false);
  const applies = calls().filter((c) => / apply /.test(c));
  expect(applies.map((c) => c.split(' ')[0])).toEqual(STACKS);
  for (const [i, c] of applies.entries()) {
    expect(c).toMatch(
      new RegExp(
        `^${STACKS[i]} apply -input=false -no-color -lock-timeout=2m \\S+/students-deploy-\\w+/${STACKS[i]}\\.tfplan$`,
      ),
    );
    // The guard read `terraform show -json` of that very copy.
    expect(calls()).toContain(`${STACKS[i]} show -json ${c.split(' ').at(-1)}`);
  }
  expect(readFileSync(savedPlanOf('students-dev-api', 'plan.json'), 'utf8')).toBe(before);
  expect(res.stderr).toContain(`summary: applied: ${STACKS.join(', ')}; failed: none; not started: none`);
  expect(manifest().stacks.every((s) => s.state === 'applied')).toBe(true);

  resetLog();
  const again = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(again.status).toBe(EXIT.ok);
  expect(again.stderr).toContain('applied already; npm run plan makes new ones');
  expect(applied()).toEqual([]);
});

test('a plan file swapped after review: exit 4, nothing applied', () => {
  planFirst();
  writeFileSync(savedPlanOf('students-dev-api'), 'a plan nobody reviewed');
  resetLog();
  const res = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(res.status).toBe(EXIT.stalePlan);
  expect(res.stderr).toMatch(
    /students-dev-api: .*tfplan is not the plan that was reviewed \(sha256 [0-9a-f]{12}… recorded/,
  );
  expect(applied()).toEqual([]);
});

test('a plan file swapped during the deploy: what is applied is the reviewed copy, and the deploy stops there (exit 4)', () => {
  planFirst();
  resetLog();
  const res = run(
    'deploy.ts',
    ['--auto-approve'],
    tfEnv({
      FAKE_TF_HOOK_STACK: 'students-dev-data',
      FAKE_TF_APPLY_HOOK: `echo swapped > '${savedPlanOf('students-dev-api')}'`,
    }),
  );
  expect(res.status).toBe(EXIT.stalePlan);
  expect(res.stderr).toContain('students-dev-api: its saved plan changed during the deploy');
  expect(applied()).toEqual(['students-dev-network', 'students-dev-data']);
  expect(res.stderr).toContain('not started: students-dev-api, students-dev-frontend, students-dev-monitoring');
});

test('asks on the terminal: "no" applies nothing, "yes" applies; without a terminal, even with stdin left open, it is a no at once', async () => {
  planFirst();
  resetLog();
  const no = await answerOnTerminal('deploy.ts', [], tfEnv(), 'no');
  expect(no.status).toBe(EXIT.notConfirmed);
  expect(applied()).toEqual([]);
  // A CI job that forgot --auto-approve: stdin is a pipe nobody writes to or closes.
  const open = start('deploy.ts', [], tfEnv(), { openStdin: true });
  let err = '';
  open.stderr.on('data', (d) => (err += d));
  const code = await new Promise<number | null>((r) => open.on('exit', r));
  expect(code).toBe(EXIT.notConfirmed);
  expect(err).toContain('No terminal to answer on: that is a no. After reviewing, pass --auto-approve');
  expect(applied()).toEqual([]);
  const yes = await answerOnTerminal('deploy.ts', [], tfEnv(), 'yes');
  expect(yes.status).toBe(EXIT.ok);
  expect(applied()).toEqual(STACKS);
});

test('the guard runs again over the copies: a refused one stops everything, --auto-approve or not', () => {
  fixture('students-dev-data', 'table-replace.json');
  run('plan.ts', [], tfEnv());
  expect(manifest().stacks.find((s) => s.stack === 'students-dev-data')?.verdict).toBe('refused');
  resetLog();
  const res = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(res.status).toBe(EXIT.refused);
  expect(applied()).toEqual([]);
  expect(
    run('deploy.ts', ['--auto-approve', '--allow-destroy', 'aws_dynamodb_table.students-table'], tfEnv()).status,
  ).toBe(EXIT.ok);
});

test('a stale plan is said plainly, and the summary names what was applied and what was not', () => {
  planFirst();
  const res = run('deploy.ts', ['--auto-approve'], tfEnv({ FAKE_TF_STALE: 'students-dev-data' }));
  expect(res.status).toBe(EXIT.stalePlan);
  expect(res.stderr).toContain('students-dev-data: the reviewed plan is stale');
  expect(res.stderr).toContain(
    'summary: applied: students-dev-network; failed: students-dev-data; not started: students-dev-api, students-dev-frontend, students-dev-monitoring',
  );
});

test('resume: after a failure in the middle, re-plan from there and apply only what was not applied', () => {
  planFirst();
  const failed = run('deploy.ts', ['--auto-approve'], tfEnv({ FAKE_TF_FAIL: 'students-dev-api' }));
  expect(failed.status).toBe(EXIT.failed);
  expect(failed.stderr).toContain(
    'failed: students-dev-api; not started: students-dev-frontend, students-dev-monitoring',
  );
  resetLog();
  const blocked = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(blocked.status).toBe(EXIT.stalePlan);
  expect(blocked.stderr).toContain('students-dev-api: its last apply did not finish');
  expect(blocked.stderr).toContain('npm run plan -- --from students-dev-api');
  expect(applied()).toEqual([]);
  expect(run('plan.ts', ['--from', 'students-dev-api'], tfEnv()).status).toBe(EXIT.ok);
  expect(
    calls()
      .filter((c) => / plan /.test(c))
      .map((c) => c.split(' ')[0]),
  ).toEqual(STACKS.slice(2));
  resetLog();
  const resumed = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(resumed.status).toBe(EXIT.ok);
  expect(resumed.stderr).toContain('Resuming: students-dev-network, students-dev-data applied already');
  expect(applied()).toEqual(STACKS.slice(2));
});

test('a plan that did not finish leaves no half-reviewed set: deploy refuses and names where to plan from', () => {
  const res = run('plan.ts', [], tfEnv({ FAKE_TF_PLAN_FAIL: 'students-dev-api' }));
  expect(res.status).toBe(EXIT.failed);
  expect(res.stderr).toContain('Error: Invalid reference');
  expect(res.stderr).toContain('is incomplete');
  resetLog();
  const deploy = run('deploy.ts', ['--auto-approve'], tfEnv());
  expect(deploy.status).toBe(EXIT.stalePlan);
  expect(deploy.stderr).toContain(
    'did not finish: students-dev-api, students-dev-frontend, students-dev-monitoring have no plan',
  );
  expect(deploy.stderr).toContain('npm run plan -- --from students-dev-api');
  expect(applied()).toEqual([]);
});

test('one run per environment: a second plan or deploy says who holds the lock (exit 6); a dead holder is taken over', async () => {
  planFirst();
  resetLog();
  const first = start('deploy.ts', ['--auto-approve'], tfEnv({ FAKE_TF_SLOW: 'students-dev-data' }));
  first.stdout.resume();
  first.stderr.resume();
  await until(() => readFileSync(ws.log, 'utf8').includes('students-dev-data applying'), 'the first deploy to apply');
  for (const script of ['plan.ts', 'deploy.ts']) {
    const second = run(script, script === 'deploy.ts' ? ['--auto-approve'] : [], tfEnv());
    expect(second.status).toBe(EXIT.locked);
    expect(second.stderr).toMatch(new RegExp(`locked by npm run deploy \\(pid ${first.pid} on `));
  }
  first.kill('SIGINT');
  await new Promise((r) => first.on('exit', r));
  // A lock left by a process that is gone.
  const gone = spawn(process.execPath, ['-e', '0']);
  await new Promise((r) => gone.on('exit', r));
  const lock = path.join(ws.work, 'saved-plans', 'dev.lock');
  writeFileSync(
    lock,
    JSON.stringify({ pid: gone.pid, command: 'npm run plan', host: os.hostname(), startedAt: 'then' }),
  );
  const taken = run('plan.ts', [], tfEnv());
  expect(taken.status).toBe(EXIT.ok);
  expect(taken.stderr).toContain(`left by npm run plan (pid ${gone.pid}, no longer running)`);
});

test('a SIGINT sent to the tool alone is passed to terraform once, which is waited for; nothing after it starts', async () => {
  planFirst();
  resetLog();
  const child = start('deploy.ts', ['--auto-approve'], tfEnv({ FAKE_TF_SLOW: 'students-dev-data' }));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.resume();
  await until(() => readFileSync(ws.log, 'utf8').includes('students-dev-data applying'), 'terraform to apply');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const logAtExit = readFileSync(ws.log, 'utf8');
  expect(code).toBe(EXIT.interrupted);
  expect(logAtExit.match(/students-dev-data got SIGINT/g)).toHaveLength(1);
  expect(logAtExit).toContain('students-dev-data stopped');
  expect(applied()).toEqual(['students-dev-network', 'students-dev-data']);
  expect(stderr).toContain('not started: students-dev-api, students-dev-frontend, students-dev-monitoring');
});

test('--plan plans every stack, then applies only if the guard passes them all', () => {
  fixture('students-dev-data', 'table-replace.json');
  const res = run('deploy.ts', ['--plan', '--auto-approve'], tfEnv());
  expect(res.status).toBe(EXIT.refused);
  expect(calls().filter((c) => / plan /.test(c))).toHaveLength(STACKS.length);
  expect(applied()).toEqual([]);
  fixture('students-dev-data', 'noop.json');
  expect(run('deploy.ts', ['--plan', '--auto-approve'], tfEnv()).status).toBe(EXIT.ok);
  expect(applied()).toEqual(STACKS);
});
