/**
 * Ops tooling, against fixtures in the formats Terraform and the AWS CLI document: the plan
 * guard over `terraform show -json` plans, `npm run plan` and `npm run deploy` with a stand-in
 * terraform, `npm run connect` with a stand-in AWS CLI, and `npm run smoke -- --local`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logCommands } from '../scripts/ops/logs';
import { analyse, checkFiles, kindOf, type PlanJson } from '../scripts/ops/plan-check';
import { STATEFUL_RESOURCES, statefulRuleFor } from '../stacks/stateful';

const ROOT = path.resolve(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures');
const PLANS = path.join(FIXTURES, 'plans');
const plan = (name: string) => path.join(PLANS, name);
const read = (name: string) => JSON.parse(readFileSync(plan(name), 'utf8')) as PlanJson;

/** Runs a script as npm would: Node 22 with tsx, from the project root. */
function run(
  script: string,
  args: string[],
  env: Record<string, string> = {},
  pathPrefix: string[] = [path.join(FIXTURES, 'bin')],
) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'ops', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env, PATH: [...pathPrefix, process.env.PATH].join(path.delimiter) },
    timeout: 120_000,
  });
}

describe('plan guard (plan-check)', () => {
  test('classifies every action list Terraform documents', () => {
    expect(kindOf(['create'])).toBe('create');
    expect(kindOf(['update'])).toBe('update');
    expect(kindOf(['delete'])).toBe('delete');
    expect(kindOf(['delete', 'create'])).toBe('replace');
    expect(kindOf(['create', 'delete'])).toBe('replace');
    expect(kindOf(['no-op'])).toBe('no-op');
    expect(kindOf(['read'])).toBe('read');
    expect(() => kindOf(['explode'])).toThrow(/unknown action/);
  });

  test('summarises a plan and lists each delete and replace with its order, reason and forcing paths', () => {
    const { output, exitCode } = checkFiles([plan('mixed.json')]);
    expect(exitCode).toBe(0);
    expect(output).toContain('mixed: 1 to add, 1 to change, 1 to destroy, 2 to replace');
    expect(output).toContain(
      'delete  mixed: aws_iam_role_policy.old-policy (reason: delete_because_no_resource_config)',
    );
    expect(output).toContain(
      'replace mixed: aws_launch_template.launch-template (destroy-before-create; reason: replace_because_cannot_update; forced by: name)',
    );
    expect(output).toContain(
      'replace mixed: aws_api_gateway_deployment.deployment (create-before-destroy; reason: replace_because_cannot_update; forced by: triggers, triggers.redeployment)',
    );
    expect(output).not.toContain('list-students');
    expect(output).not.toContain('al2023-ami');
    expect(output).toContain('plan guard: passed');
  });

  test('names the stack after plans/<stack>/plan.json', () => {
    expect(analyse('students-dev-data', read('noop.json'), []).counts).toEqual({
      add: 0,
      change: 0,
      destroy: 0,
      replace: 0,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plans-'));
    try {
      const file = path.join(dir, 'students-dev-data', 'plan.json');
      mkdirSync(path.dirname(file));
      writeFileSync(file, readFileSync(plan('noop.json')));
      expect(checkFiles([file]).output).toContain(
        'students-dev-data: 0 to add, 0 to change, 0 to destroy, 0 to replace',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [
      'table-replace.json',
      'aws_dynamodb_table.students-table',
      /replace table-replace: aws_dynamodb_table.students-table .*\[STATEFUL: holds every registration\]/,
    ],
    [
      'tainted-table.json',
      'aws_dynamodb_table.students-table',
      /create-before-destroy; reason: replace_because_tainted/,
    ],
    [
      'bucket-delete.json',
      'aws_s3_bucket.artifact-bucket',
      /delete {2}bucket-delete: aws_s3_bucket.artifact-bucket .*\[STATEFUL/,
    ],
  ])('%s: refuses a plan that deletes or replaces %s', (file, address, line) => {
    const refused = checkFiles([plan(file)]);
    expect(refused.exitCode).toBe(1);
    expect(refused.output).toMatch(line);
    expect(refused.output).toContain('plan guard: REFUSED');
    const allowed = checkFiles(['--allow-destroy', address, plan(file)]);
    expect(allowed.exitCode).toBe(0);
    expect(allowed.output).toContain('allowed by --allow-destroy');
    // An exception names one stack when given as stack:address.
    expect(checkFiles([`--allow-destroy=other-stack:${address}`, plan(file)]).exitCode).toBe(1);
  });

  test('one refused plan among several fails the run; each gets its summary', () => {
    const { output, exitCode } = checkFiles([plan('mixed.json'), plan('noop.json'), plan('table-replace.json')]);
    expect(exitCode).toBe(1);
    expect(output.split('\n').filter((l) => / to add, /.test(l))).toHaveLength(3);
  });

  test('the stateful list is one place and covers the table and the artifact bucket', () => {
    expect(STATEFUL_RESOURCES.length).toBeGreaterThanOrEqual(3);
    expect(statefulRuleFor('aws_dynamodb_table.students-table')).toBeDefined();
    expect(statefulRuleFor('module.data.aws_dynamodb_table.anything')).toBeDefined();
    expect(statefulRuleFor('aws_s3_bucket.artifact-bucket')).toBeDefined();
    expect(statefulRuleFor('aws_s3_bucket_policy.artifact-bucket-policy')).toBeUndefined();
    expect(statefulRuleFor('aws_launch_template.launch-template')).toBeUndefined();
  });

  test('bad input: no files, an unknown option, a file that is not a plan → exit 2 with the reason', () => {
    expect(checkFiles([])).toMatchObject({ exitCode: 2, output: expect.stringMatching(/usage/) });
    expect(checkFiles(['--frobnicate', plan('noop.json')])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/unknown option/),
    });
    expect(checkFiles([path.join(ROOT, 'package.json')])).toMatchObject({
      exitCode: 2,
      output: expect.stringMatching(/format_version/),
    });
    expect(checkFiles(['/nonexistent/plan.json'])).toMatchObject({ exitCode: 2 });
  });

  test("the CLI exits with the guard's code", () => {
    expect(run('plan-check.ts', [plan('noop.json')]).status).toBe(0);
    const refused = run('plan-check.ts', [plan('table-replace.json')]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('REFUSED');
  });
});

describe('npm run plan / deploy with a stand-in terraform', () => {
  let work: string;
  let log: string;
  let fixtures: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'tf-'));
    log = path.join(work, 'terraform.log');
    fixtures = path.join(work, 'plans');
    mkdirSync(fixtures);
    writeFileSync(path.join(fixtures, 'default.json'), readFileSync(plan('noop.json')));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  // Synthesized stacks and saved plans go to the test's own folder, never the repository's.
  const env = () => ({
    FAKE_TF_LOG: log,
    FAKE_TF_PLANS: fixtures,
    STUDENTS_ENV: 'dev',
    STUDENTS_OUT_DIR: path.join(work, 'cdktf.out'),
    STUDENTS_PLANS_DIR: path.join(work, 'saved-plans'),
  });
  const calls = () => readFileSync(log, 'utf8').trim().split('\n');

  test('plan: init and plan each stack in dependency order, keep binary, text and JSON, then summarise', () => {
    writeFileSync(path.join(fixtures, 'students-dev-api.json'), readFileSync(plan('mixed.json')));
    const res = run('plan.ts', [], env());
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const order = calls()
      .filter((c) => / plan /.test(c))
      .map((c) => c.split(' ')[0] as string);
    expect(order).toEqual([
      'students-account-us-east-1',
      'students-dev-network',
      'students-dev-data',
      'students-dev-api',
      'students-dev-frontend',
    ]);
    for (const stack of order) {
      for (const f of ['tfplan', 'plan.txt', 'plan.json'])
        expect(existsSync(path.join(work, 'saved-plans', stack, f))).toBe(true);
    }
    expect(res.stdout).toContain('students-dev-api: 1 to add, 1 to change, 1 to destroy, 2 to replace');
    expect(res.stdout).toContain('students-dev-network: 0 to add, 0 to change, 0 to destroy, 0 to replace');
    expect(res.stdout).toContain('plan guard: passed');
    expect(calls().some((c) => c.includes(' apply '))).toBe(false);
  });

  test('plan --update-ami replaces the recorded AMI on the frontend stack only', () => {
    expect(run('plan.ts', ['--update-ami'], env()).status).toBe(0);
    const plans = calls().filter((c) => / plan /.test(c));
    expect(plans.filter((c) => c.includes('-replace=terraform_data.ami')).map((c) => c.split(' ')[0])).toEqual([
      'students-dev-frontend',
    ]);
  });

  test('plan: a stateful replacement fails the run', () => {
    writeFileSync(path.join(fixtures, 'students-dev-data.json'), readFileSync(plan('table-replace.json')));
    const res = run('plan.ts', [], env());
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('REFUSED');
  });

  test("deploy: applies each stack's own saved plan, and stops before a stack the guard refuses", () => {
    writeFileSync(path.join(fixtures, 'students-dev-data.json'), readFileSync(plan('table-replace.json')));
    const res = run('deploy.ts', [], env());
    expect(res.status).toBe(1);
    expect(res.stderr).toContain('students-dev-data: not applied');
    const applies = calls().filter((c) => c.includes(' apply '));
    expect(applies).toEqual(
      ['students-account-us-east-1', 'students-dev-network'].map(
        (stack) => `${stack} apply -input=false -no-color ${path.join(work, 'saved-plans', stack, 'tfplan')}`,
      ),
    );
    expect(calls().some((c) => c.startsWith('students-dev-api'))).toBe(false);
  });

  test('deploy: --allow-destroy lets a named replacement through, and every stack is applied in order', () => {
    writeFileSync(path.join(fixtures, 'students-dev-data.json'), readFileSync(plan('table-replace.json')));
    const res = run('deploy.ts', ['--allow-destroy', 'aws_dynamodb_table.students-table'], env());
    expect(res.status).toBe(0);
    expect(
      calls()
        .filter((c) => c.includes(' apply '))
        .map((c) => c.split(' ')[0]),
    ).toEqual([
      'students-account-us-east-1',
      'students-dev-network',
      'students-dev-data',
      'students-dev-api',
      'students-dev-frontend',
    ]);
  });

  test('destroy asks for the environment by name, and says what deletion protection will do', () => {
    const refused = run('destroy.ts', [], env());
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('npm run destroy -- --confirm dev');
    const fake = path.join(work, 'cdktf');
    writeFileSync(fake, `#!/usr/bin/env bash\necho "cdktf $*" >> "${log}"\n`, { mode: 0o755 });
    const res = run('destroy.ts', ['--confirm', 'dev'], { ...env(), CDKTF_BIN: fake });
    expect(res.status).toBe(0);
    expect(res.stderr).toContain('deletion protection is on');
    expect(calls()).toContain('cdktf destroy students-dev-* --auto-approve');
  });
});

describe('npm run connect with a stand-in AWS CLI', () => {
  let work: string;
  let log: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'aws-'));
    log = path.join(work, 'aws.log');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  const env = (asg = 'describe-asg.json') => ({
    FAKE_AWS_LOG: log,
    FAKE_ASG_JSON: path.join(FIXTURES, 'aws', asg),
    STUDENTS_ENV: 'dev',
  });
  const withPlugin = [path.join(FIXTURES, 'bin'), path.join(FIXTURES, 'plugin')];
  const lines = () => readFileSync(log, 'utf8').trim().split('\n');

  test("starts an SSM session on the first healthy in-service instance of the environment's group", () => {
    const res = run('connect.ts', [], env(), withPlugin);
    expect(res.status).toBe(0);
    expect(lines()).toContain(
      'aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names students-dev-frontend --region us-east-1 --output json',
    );
    expect(lines()).toContain('aws ssm start-session --target i-0ccccccccccccccc3 --region us-east-1');
  });

  test('--ssh goes over SSM with AWS-StartSSHSession and the configured key', () => {
    const res = run('connect.ts', ['--ssh', '--key', '/keys/ops.pem'], env(), withPlugin);
    expect(res.status).toBe(0);
    const ssh = lines().slice(lines().indexOf('ssh') + 1);
    expect(ssh).toEqual([
      '-i',
      '/keys/ops.pem',
      '-o',
      'ProxyCommand=aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region us-east-1',
      'ec2-user@i-0ccccccccccccccc3',
    ]);
  });

  test('--port-forward forwards the app port to localhost', () => {
    const res = run('connect.ts', ['--port-forward', '8080', '--instance', 'i-0123456789abcdef0'], env(), withPlugin);
    expect(res.status).toBe(0);
    expect(lines().some((l) => l.includes('describe-auto-scaling-groups'))).toBe(false);
    expect(lines()).toContain(
      'aws ssm start-session --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSession --parameters {"portNumber":["3000"],"localPortNumber":["8080"]} --region us-east-1',
    );
  });

  test('no healthy instance, a bad instance id, a missing plugin or CLI: each says so', () => {
    const none = run('connect.ts', [], env('describe-asg-empty.json'), withPlugin);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('has no healthy in-service instance');
    const bad = run('connect.ts', ['--instance', 'web-1'], env(), withPlugin);
    expect(bad.stderr).toContain('not an instance id');
    const noPlugin = run('connect.ts', [], env(), [path.join(FIXTURES, 'bin')]);
    expect(noPlugin.status).toBe(127);
    expect(noPlugin.stderr).toContain('Session Manager plugin');
    const noCli = run('connect.ts', [], { ...env(), PATH: '/nonexistent' }, []);
    expect(noCli.stderr + noCli.stdout).toMatch(/AWS CLI|not found|ENOENT/);
  });
});

describe('npm run smoke', () => {
  test('--local runs the checks, with a marked test signup, against a local stack it starts', () => {
    const res = run('smoke.ts', ['--local', '--post'], { LOG_LEVEL: 'silent' });
    expect(res.stdout).toContain('PASS  site /healthz');
    expect(res.stdout).toContain('PASS  API POST (test student): 200; signed up smoke-test-');
    expect(res.stdout).toMatch(/smoke: 4 passed, 0 failed/);
    expect(res.status).toBe(0);
  });

  test("reads the frontend stack's outputs, and exits non-zero when the site is down", () => {
    const work = mkdtempSync(path.join(os.tmpdir(), 'smoke-'));
    try {
      const outputs = path.join(work, 'outputs.json');
      writeFileSync(
        outputs,
        JSON.stringify({
          site_url: { value: 'http://127.0.0.1:9', sensitive: false, type: 'string' },
          api_url: { value: 'http://127.0.0.1:9/dev/student', sensitive: false, type: 'string' },
        }),
      );
      mkdirSync(path.join(work, 'cdktf.out', 'stacks', 'students-dev-frontend'), { recursive: true });
      const res = run('smoke.ts', [], {
        STUDENTS_OUT_DIR: path.join(work, 'cdktf.out'),
        FAKE_TF_LOG: path.join(work, 'tf.log'),
        FAKE_TF_OUTPUTS: outputs,
        STUDENTS_ENV: 'dev',
      });
      expect(res.stdout).toContain('smoke: site http://127.0.0.1:9');
      expect(res.stdout).toContain('FAIL  site /healthz');
      expect(res.status).toBe(1);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe('npm run logs', () => {
  test('follows both Lambdas, one function, the API access log, or the frontend journal over SSM', () => {
    const env = { STUDENTS_ENV: 'dev' };
    expect(logCommands([], env)).toEqual([
      [
        'logs',
        'tail',
        '/aws/lambda/students-dev-list-students',
        '--follow',
        '--format',
        'short',
        '--region',
        'us-east-1',
      ],
      [
        'logs',
        'tail',
        '/aws/lambda/students-dev-signup-students',
        '--follow',
        '--format',
        'short',
        '--region',
        'us-east-1',
      ],
    ]);
    expect(logCommands(['--lambda', 'signup-students'], env)).toHaveLength(1);
    expect(() => logCommands(['--lambda', 'nope'], env)).toThrow(/--lambda takes one of/);
    expect(logCommands(['--api'], env)[0]).toContain('/students-dev-api/access-logs');
    const journal = logCommands(['--frontend'], env, 'i-0ccccccccccccccc3')[0]!;
    expect(journal.slice(0, 6)).toEqual([
      'ssm',
      'start-session',
      '--target',
      'i-0ccccccccccccccc3',
      '--document-name',
      'AWS-StartInteractiveCommand',
    ]);
    expect(journal.join(' ')).toContain('journalctl -u students-frontend -f');
  });
});
