/**
 * The ops commands with stand-in `terraform` and `aws` executables that answer in the formats
 * those tools document (fixtures/bin): plan, destroy, connect, logs, status and smoke. Deploy has
 * its own suites (deploy.integration, deploy-terraform.integration, ctrl-c.integration).
 */
import { readFileSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../scripts/ops/cli';
import {
  answerOnTerminal,
  ENV_STACKS,
  FIXTURES,
  opsWorkspace,
  planFixture as plan,
  run,
  STACKS,
  synthesizedOnce,
} from './helpers/ops';

const ready = synthesizedOnce();
const { ws, tfEnv, calls, fixture, applied } = opsWorkspace(ready);
/**
 * The real path: build and synthesize the app, as a command run by hand does, into this test's own
 * folder: a build into the run's shared one would pull the bundles from under other suites' Lambdas.
 */
const synthesizing = () => ({ STUDENTS_STACKS_FROM: '', STUDENTS_DIST_DIR: path.join(ws.work, 'dist') });

describe('npm run plan', () => {
  test('synthesizes, plans every stack in dependency order, keeps owner-only plans, prints the guard report, applies nothing', () => {
    fixture('students-dev-api', 'mixed.json');
    const res = run('plan.ts', [], tfEnv(synthesizing()));
    expect(res.status).toBe(EXIT.ok);
    expect(
      calls()
        .filter((c) => / plan /.test(c))
        .map((c) => c.split(' ')[0]),
    ).toEqual(STACKS);
    for (const stack of STACKS) {
      for (const f of ['tfplan', 'plan.txt', 'plan.json'])
        expect(statSync(path.join(ws.work, 'saved-plans', 'dev', stack, f)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(path.join(ws.work, 'saved-plans')).mode & 0o777).toBe(0o700);
    expect(res.stdout).toContain('students-dev-api: Plan: 3 to add, 1 to change, 3 to destroy.');
    expect(res.stdout).toContain('plan guard: passed');
    expect(applied()).toEqual([]);
  });

  test('a stateful replacement is refused with its own exit code', () => {
    fixture('students-dev-data', 'table-replace.json');
    const res = run('plan.ts', [], tfEnv());
    expect(res.status).toBe(EXIT.refused);
    expect(res.stdout).toContain('plan guard: REFUSED');
  });

  test('--update-ami replaces the recorded AMI on the frontend stack only', () => {
    expect(run('plan.ts', ['--update-ami'], tfEnv()).status).toBe(EXIT.ok);
    expect(
      calls()
        .filter((c) => c.includes('-replace=terraform_data.ami'))
        .map((c) => c.split(' ')[0]),
    ).toEqual(['students-dev-frontend']);
  });

  test('an environment other than dev needs remote state, unless --local-state is explicit', () => {
    const refused = run('plan.ts', [], tfEnv({ STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }));
    expect(refused.status).toBe(EXIT.usage);
    expect(refused.stderr).toContain('Invalid setting STUDENTS_STATE_BUCKET: environment "prod" needs remote state');
    expect(calls()).toEqual([]);
    expect(
      run(
        'plan.ts',
        ['--local-state'],
        tfEnv({ ...synthesizing(), STUDENTS_ENV: 'prod', STUDENTS_AWS_ACCOUNT_ID: '123456789012' }),
      ).status,
    ).toBe(EXIT.ok);
  });

  test.each([
    ['plan.ts', ['--dry-run']],
    ['deploy.ts', ['--dry-run']],
    ['destroy.ts', ['--confirm', 'dev', '--force']],
    ['plan-check.ts', ['--frobnicate', plan('noop.json')]],
    ['connect.ts', ['--sshh']],
    ['logs.ts', ['--lamda', 'list-students']],
    ['smoke.ts', ['--posts']],
    ['rollback.ts', ['--function', 'list-students', '--too', '2']],
  ])('%s refuses an unknown flag %p with usage and exit 2', (script, args) => {
    const res = run(script, args, tfEnv({ FAKE_AWS_LOG: ws.log }));
    expect(res.status).toBe(EXIT.usage);
    expect(res.stderr).toMatch(/unknown option[\s\S]*usage: npm run/i);
    expect(applied()).toEqual([]);
  });
});

describe('npm run destroy', () => {
  test('names the environment twice, plans -destroy in reverse (never the account stack), guards and asks', async () => {
    expect(run('destroy.ts', [], tfEnv()).status).toBe(EXIT.usage);
    fixture('students-dev-data', 'table-delete.json');
    const refused = run('destroy.ts', ['--confirm', 'dev', '--auto-approve'], tfEnv());
    expect(refused.status).toBe(EXIT.refused);
    expect(
      calls()
        .filter((c) => / plan /.test(c))
        .map((c) => [c.split(' ')[0], c.includes('-destroy')]),
    ).toEqual([...ENV_STACKS].reverse().map((s) => [s, true]));
    expect(applied()).toEqual([]);
    const notConfirmed = run(
      'destroy.ts',
      ['--confirm', 'dev', '--allow-destroy', 'aws_dynamodb_table.students-table'],
      tfEnv(),
    );
    expect(notConfirmed.status).toBe(EXIT.notConfirmed);
    const done = await answerOnTerminal(
      'destroy.ts',
      ['--confirm', 'dev', '--allow-destroy', 'aws_dynamodb_table.students-table'],
      tfEnv(),
      'yes',
    );
    expect(done.status).toBe(EXIT.ok);
    expect(applied()).toEqual([...ENV_STACKS].reverse());
    expect(existsSync(path.join(ws.work, 'saved-plans', 'dev', 'destroy', 'students-dev-data', 'tfplan'))).toBe(true);
  });
});

describe('npm run connect', () => {
  const awsEnv = (extra: Record<string, string> = {}) => ({
    FAKE_AWS_LOG: ws.log,
    FAKE_ASG_JSON: path.join(FIXTURES, 'aws', 'describe-asg.json'),
    STUDENTS_ENV: 'dev',
    ...extra,
  });
  const withPlugin = { path: [path.join(FIXTURES, 'bin'), path.join(FIXTURES, 'plugin')] };
  const aws = () => readFileSync(ws.log, 'utf8').trim().split('\n');

  test('an in-service, healthy instance that SSM reports online and no refresh is replacing', () => {
    expect(run('connect.ts', [], awsEnv(), withPlugin).status).toBe(EXIT.ok);
    expect(aws()).toContain(
      'aws ssm describe-instance-information --filters Key=InstanceIds,Values=i-0aaaaaaaaaaaaaaa1,i-0bbbbbbbbbbbbbbb2,i-0dddddddddddddd04,i-0ccccccccccccccc3 --region us-east-1 --output json',
    );
    expect(aws()).toContain('aws ssm start-session --target i-0ccccccccccccccc3 --region us-east-1');
    writeFileSync(ws.log, '');
    expect(
      run('connect.ts', [], awsEnv({ FAKE_SSM_JSON: path.join(FIXTURES, 'aws', 'ssm-c3-lost.json') }), withPlugin)
        .status,
    ).toBe(EXIT.ok);
    expect(aws()).toContain('aws ssm start-session --target i-0dddddddddddddd04 --region us-east-1');
  });

  test('no healthy instance: one SSM still reaches is offered with a warning naming --instance; none online is refused', () => {
    const unhealthy = { FAKE_ASG_JSON: path.join(FIXTURES, 'aws', 'describe-asg-unhealthy.json') };
    const res = run('connect.ts', [], awsEnv(unhealthy), withPlugin);
    expect(res.status).toBe(EXIT.ok);
    expect(res.stderr).toContain('WARNING: No healthy instance in students-dev-frontend');
    expect(res.stderr).toContain('Connecting to i-0bbbbbbbbbbbbbbb2 InService/Unhealthy/ssm Online to diagnose it');
    expect(res.stderr).toContain('--instance <id>');
    expect(aws()).toContain('aws ssm start-session --target i-0bbbbbbbbbbbbbbb2 --region us-east-1');
    const offline = run(
      'connect.ts',
      [],
      awsEnv({ ...unhealthy, FAKE_SSM_JSON: path.join(FIXTURES, 'aws', 'ssm-c3-lost.json') }),
      withPlugin,
    );
    expect(offline.status).toBe(EXIT.failed);
    expect(offline.stderr).toMatch(/no instance that SSM reports online .*--instance <id> names one to try anyway/);
  });

  test('--ssh without a key pushes a temporary one with EC2 Instance Connect; with --key it uses that', () => {
    expect(run('connect.ts', ['--ssh'], awsEnv(), withPlugin).status).toBe(EXIT.ok);
    expect(aws().find((l) => l.includes('send-ssh-public-key'))).toMatch(
      /^aws ec2-instance-connect send-ssh-public-key --instance-id i-0ccccccccccccccc3 --instance-os-user ec2-user --ssh-public-key ssh-ed25519 AAAAfakekey students-connect --region us-east-1/,
    );
    writeFileSync(ws.log, '');
    expect(run('connect.ts', ['--ssh', '--key', '/keys/ops.pem'], awsEnv(), withPlugin).status).toBe(EXIT.ok);
    expect(aws().slice(aws().indexOf('ssh') + 1)).toEqual([
      '-i',
      '/keys/ops.pem',
      '-o',
      'ProxyCommand=aws ssm start-session --target %h --document-name AWS-StartSSHSession --parameters portNumber=%p --region us-east-1',
      'ec2-user@i-0ccccccccccccccc3',
    ]);
    expect(aws().some((l) => l.includes('send-ssh-public-key'))).toBe(false);
  });

  test("--port-forward uses a local port clear of npm start's", () => {
    expect(
      run('connect.ts', ['--port-forward', '--instance', 'i-0123456789abcdef0'], awsEnv(), withPlugin).status,
    ).toBe(EXIT.ok);
    expect(aws()).toContain(
      'aws ssm start-session --target i-0123456789abcdef0 --document-name AWS-StartPortForwardingSession --parameters {"portNumber":["3000"],"localPortNumber":["8080"]} --region us-east-1',
    );
  });

  test('no usable instance, a bad id, a missing plugin, an old or missing CLI: each says so', () => {
    const none = run(
      'connect.ts',
      [],
      awsEnv({ FAKE_ASG_JSON: path.join(FIXTURES, 'aws', 'describe-asg-empty.json') }),
      withPlugin,
    );
    expect([none.status, none.stderr]).toEqual([EXIT.failed, expect.stringContaining('SSM agent not connected')]);
    expect(run('connect.ts', ['--instance', 'web-1'], awsEnv(), withPlugin).stderr).toContain('not an instance id');
    expect(run('connect.ts', [], awsEnv()).stderr).toContain('Session Manager plugin');
    const v1 = run('connect.ts', [], awsEnv({ FAKE_AWS_VERSION: 'aws-cli/1.29.0 Python/3.9' }), withPlugin);
    expect([v1.status, v1.stderr]).toEqual([EXIT.failed, expect.stringContaining('must be version 2')]);
    const noCli = run('connect.ts', [], awsEnv(), { path: [path.join(FIXTURES, 'plugin')], onlyPath: true });
    expect(noCli.stderr).toContain('AWS CLI (v2) is not installed');
  });
});

describe('npm run logs', () => {
  const awsEnv = (extra: Record<string, string> = {}) => ({ FAKE_AWS_LOG: ws.log, STUDENTS_ENV: 'dev', ...extra });

  test('follows both Lambdas side by side, each line labelled with its source', () => {
    const res = run('logs.ts', [], awsEnv());
    expect(res.status).toBe(EXIT.ok);
    expect(res.stdout).toContain(
      '[list-students  ] 2026-12-01T10:00:00 line from /aws/lambda/students-dev-list-students',
    );
    expect(res.stdout).toContain(
      '[signup-students] 2026-12-01T10:00:00 line from /aws/lambda/students-dev-signup-students',
    );
    expect(readFileSync(ws.log, 'utf8')).toContain(
      'aws logs tail /aws/lambda/students-dev-list-students --follow --since 10m --format short --region us-east-1',
    );
  });

  test('a follower that fails makes the command fail', () => {
    const res = run('logs.ts', ['--api'], awsEnv({ FAKE_LOGS_FAIL: '/students-dev-api/access-logs' }));
    expect(res.status).toBe(EXIT.failed);
    expect(res.stderr).toContain('[api] An error occurred (ResourceNotFoundException)');
  });
});

describe('npm run status', () => {
  const awsEnv = (alarms: string) => ({
    FAKE_AWS_LOG: ws.log,
    FAKE_ASG_JSON: path.join(FIXTURES, 'aws', 'describe-asg.json'),
    FAKE_ALARMS_JSON: path.join(FIXTURES, 'aws', alarms),
    ...tfEnv({ FAKE_TF_OUTPUTS: path.join(ws.work, 'outputs.json') }),
  });
  beforeEach(() =>
    writeFileSync(
      path.join(ws.work, 'outputs.json'),
      JSON.stringify({
        site_url: { value: 'https://portal.example.edu' },
        api_url: { value: 'https://api.example/dev/student' },
      }),
    ),
  );

  test('one screen: alarms (ALARM first), hosts, the refresh, the URLs; exit 1 while an alarm fires', () => {
    const res = run('status.ts', [], awsEnv('describe-alarms.json'));
    expect(res.status).toBe(EXIT.failed);
    expect(res.stdout).toContain('site  https://portal.example.edu');
    expect(res.stdout).toContain('hosts 2 of 4 in service and healthy');
    expect(res.stdout).toContain('refresh InProgress 50% (Waiting for instances to warm up)');
    expect(res.stdout).toContain('alarms 3: 1 in ALARM, 1 without data');
    expect(res.stdout.indexOf('ALARM             students-dev-api-5xx')).toBeLessThan(
      res.stdout.indexOf('INSUFFICIENT_DATA'),
    );
    expect(readFileSync(ws.log, 'utf8')).toContain(
      'aws cloudwatch describe-alarms --alarm-name-prefix students-dev- --region us-east-1 --output json',
    );
  });

  test('exit 1 when fewer hosts than the minimum are healthy, even with every alarm OK', () => {
    const res = run('status.ts', [], {
      ...awsEnv('describe-alarms-ok.json'),
      FAKE_ASG_JSON: path.join(FIXTURES, 'aws', 'describe-asg-unhealthy.json'),
    });
    expect(res.stdout).toContain("hosts 0 of 2 in service and healthy BELOW THE GROUP'S MINIMUM OF 2");
    expect(res.status).toBe(EXIT.failed);
  });

  test('a throttled call: the rest is shown, that part is named, and the exit says AWS did not answer (7), not an alarm (1)', () => {
    const res = run('status.ts', [], {
      ...awsEnv('describe-alarms-ok.json'),
      FAKE_AWS_THROTTLE: 'cloudwatch describe-alarms',
    });
    expect(res.status).toBe(EXIT.unanswered);
    expect(res.stdout).toMatch(
      /^alarms \(unknown: aws cloudwatch describe-alarms failed: An error occurred \(ThrottlingException\)/m,
    );
    expect(res.stdout).toContain('hosts 2 of 4 in service and healthy');
    expect(res.stdout).toContain('refresh InProgress 50%');
    const json = run('status.ts', ['--json'], {
      ...awsEnv('describe-alarms.json'),
      FAKE_AWS_THROTTLE: 'autoscaling describe-auto-scaling-groups',
    });
    // An alarm firing outranks a part AWS did not answer.
    expect(json.status).toBe(EXIT.failed);
    expect(JSON.parse(json.stdout).unavailable).toEqual([
      { part: 'instances', error: expect.stringContaining('ThrottlingException') },
    ]);
  });

  test('exit 0 when every alarm is OK; --json for scripts', () => {
    const res = run('status.ts', ['--json'], awsEnv('describe-alarms-ok.json'));
    expect(res.status).toBe(EXIT.ok);
    expect(JSON.parse(res.stdout)).toMatchObject({ inAlarm: 0, refresh: { status: 'InProgress', percent: 50 } });
  });
});

describe('npm run smoke', () => {
  test('--local runs the checks, with a marked test signup, against a local stack it starts', () => {
    const res = run('smoke.ts', ['--local', '--post'], { LOG_LEVEL: 'silent' });
    expect(res.stdout).toContain('PASS  site /healthz');
    expect(res.stdout).toContain('PASS  API, called anonymously: 403: only signed calls of the portal get in');
    expect(res.stdout).toContain('PASS  portal signup (test student): 303 to the confirmation; signed up smoke-test-');
    expect(res.stdout).toMatch(
      /PASS {2}test student deleted again: deleted smoke-test-\d+@example\.com and its 3 name-words entries from students-local-Students; the portal no longer lists it/,
    );
    expect(res.stdout).toMatch(/smoke: 5 passed, 0 failed/);
    expect(res.status).toBe(EXIT.ok);
  });

  test('initializes the frontend stack itself, reads its outputs, and fails when the site is down', () => {
    const outputs = path.join(ws.work, 'outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        site_url: { value: 'http://127.0.0.1:9', sensitive: false, type: 'string' },
        api_url: { value: 'http://127.0.0.1:9/dev/student', sensitive: false, type: 'string' },
      }),
    );
    const res = run('smoke.ts', [], tfEnv({ FAKE_TF_OUTPUTS: outputs }));
    expect(
      calls()
        .filter((c) => c.startsWith('students-dev-frontend'))
        .map((c) => c.split(' ')[1]),
    ).toEqual(['init', 'output']);
    expect(res.stdout).toContain('smoke: site http://127.0.0.1:9');
    expect(res.stdout).toContain('FAIL  site /healthz');
    expect(res.status).toBe(EXIT.failed);
  });
});

describe('npm run output', () => {
  test('prints one output raw from the stack that declares it, lists them all, and names the outputs for an unknown one', () => {
    const outputs = path.join(ws.work, 'outputs.json');
    const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-20261203/0123456789abcdef';
    writeFileSync(outputs, JSON.stringify({ target_group_arn: { value: arn, sensitive: false, type: 'string' } }));
    const one = run('output.ts', ['target_group_arn'], tfEnv({ FAKE_TF_OUTPUTS: outputs }));
    expect(one.stdout).toBe(`${arn}\n`);
    expect(one.status).toBe(EXIT.ok);
    expect(calls().map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
      'students-dev-frontend init',
      'students-dev-frontend output',
    ]);
    const all = run('output.ts', [], tfEnv({ FAKE_TF_OUTPUTS: outputs }));
    expect(all.stdout).toContain('students-dev-frontend  target_group_arn  (The instances behind the load balancer');
    expect(all.stdout).toContain('students-dev-monitoring  alarm_topic_arn');
    const unknown = run('output.ts', ['target_group'], tfEnv({ FAKE_TF_OUTPUTS: outputs }));
    expect(unknown.status).toBe(EXIT.usage);
    expect(unknown.stderr).toMatch(/no output "target_group"; the outputs are: .*target_group_arn/);
  });
});

describe('npm run rollback', () => {
  const awsEnv = (extra: Record<string, string> = {}) => ({ FAKE_AWS_LOG: ws.log, STUDENTS_ENV: 'dev', ...extra });
  const updates = () =>
    readFileSync(ws.log, 'utf8')
      .split('\n')
      .filter((l) => l.includes('update-alias'));

  test('points the live alias at the version before the one it serves, after a summary and a yes', async () => {
    const no = run('rollback.ts', ['--function', 'list-students'], awsEnv());
    expect(no.status).toBe(EXIT.notConfirmed);
    expect(no.stdout).toContain('students-dev-list-students: alias live\n  now      version 3 (2026-11-03');
    expect(no.stdout).toContain('back to  version 2 (2026-11-02T10:00:00.000+0000, code sha256 sha201234567…)');
    expect(updates()).toEqual([]);
    const yes = await answerOnTerminal('rollback.ts', ['--function', 'list-students'], awsEnv(), 'yes');
    expect(yes.status).toBe(EXIT.ok);
    expect(updates()).toEqual([
      'aws lambda update-alias --function-name students-dev-list-students --name live --function-version 2 --region us-east-1 --output json',
    ]);
  });

  test('--to picks a version; none earlier, an unknown version or a bad function name say so', () => {
    expect(run('rollback.ts', ['--function', 'signup-students', '--to', '1', '--auto-approve'], awsEnv()).status).toBe(
      EXIT.ok,
    );
    expect(updates().at(-1)).toContain('--function-name students-dev-signup-students --name live --function-version 1');
    const first = run(
      'rollback.ts',
      ['--function', 'signup-students', '--auto-approve'],
      awsEnv({ FAKE_ALIAS_VERSION: '1' }),
    );
    expect(first.status).toBe(EXIT.failed);
    expect(first.stderr).toContain('no earlier version is published');
    const unknown = run('rollback.ts', ['--function', 'signup-students', '--to', '9', '--auto-approve'], awsEnv());
    expect(unknown.stderr).toContain('has no published version 9 (published: 1, 2, 3)');
    expect(run('rollback.ts', ['--function', 'nope'], awsEnv()).status).toBe(EXIT.usage);
    expect(updates()).toHaveLength(1);
  });
});
