/**
 * Ctrl-C as an operator presses it: `npm run deploy` runs under a real pseudo-terminal
 * (util-linux `script`), and ^C typed into it makes the terminal signal its whole foreground
 * process group. Terraform (the stand-in, which logs every SIGINT it gets) runs in a group of its
 * own, so it hears exactly what the tool passes on: one interrupt for one Ctrl-C, and a second
 * only when the operator presses Ctrl-C again.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../scripts/ops/cli';
import { FIXTURES, opsCommand, opsWorkspace, ROOT, run, until, synthesizedOnce } from './helpers/ops';

// A plan, then a deploy on a terminal of its own: many Node processes in a row, which on two busy
// cores can outlast jest's default 30 s. A ceiling, not a target.
jest.setTimeout(120_000);

const { ws, tfEnv, applied } = opsWorkspace(synthesizedOnce());
const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** `npm run deploy -- --auto-approve` on a terminal of its own; `type` sends keys to it. */
function deployOnTerminal() {
  const command = opsCommand('deploy.ts', ['--auto-approve']).map(quote).join(' ');
  const child = spawn('script', ['--quiet', '--flush', '--return', '--command', command, '/dev/null'], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...tfEnv({ FAKE_TF_SLOW: 'students-dev-data' }),
      PATH: [path.join(FIXTURES, 'bin'), process.env.PATH].join(path.delimiter),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.on('data', (d) => (screen += d));
  child.stderr.on('data', (d) => (screen += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { type: (keys: string) => child.stdin.write(keys), screen: () => screen, exited, child };
}

const interrupts = () => readFileSync(ws.log, 'utf8').match(/students-dev-data got SIGINT/g)?.length ?? 0;
const applying = () => readFileSync(ws.log, 'utf8').includes('students-dev-data applying');

beforeEach(() => {
  expect(run('plan.ts', [], tfEnv()).status).toBe(EXIT.ok);
  writeFileSync(ws.log, '');
});

test('one Ctrl-C: terraform gets one interrupt, finishes cleanly; the tool exits 130 with its summary', async () => {
  const term = deployOnTerminal();
  await until(applying, 'terraform to start applying');
  term.type('\x03');
  const code = await term.exited;
  term.child.stdin.end();
  expect(interrupts()).toBe(1);
  expect(readFileSync(ws.log, 'utf8')).toContain('students-dev-data stopped');
  expect(code).toBe(EXIT.interrupted);
  expect(term.screen()).toContain('passing one interrupt to terraform');
  expect(term.screen()).not.toContain('Second interrupt');
  expect(term.screen()).toContain(
    'summary: applied: students-dev-network; failed: students-dev-data; not started: students-dev-api, students-dev-frontend, students-dev-monitoring',
  );
  expect(applied()).toEqual(['students-dev-network', 'students-dev-data']);
});

test('a second Ctrl-C is passed on as the second interrupt, with a warning', async () => {
  const term = deployOnTerminal();
  await until(applying, 'terraform to start applying');
  term.type('\x03');
  await until(() => interrupts() === 1, 'the first interrupt to arrive');
  term.type('\x03');
  const code = await term.exited;
  term.child.stdin.end();
  expect(interrupts()).toBe(2);
  expect(code).toBe(EXIT.interrupted);
  expect(term.screen()).toContain('Second interrupt: passed to terraform, which now exits at once');
});
