/**
 * Ctrl-C as an operator presses it: `npm run deploy` runs under a real pseudo-terminal
 * (util-linux `script`), and ^C typed into it makes the terminal signal its whole foreground
 * process group. Terraform (the stand-in, which logs every SIGINT it gets) runs in a group of its
 * own, so it hears exactly what the tool passes on: one interrupt for one Ctrl-C, and a second
 * only when the operator presses Ctrl-C again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EXIT } from '../scripts/ops/cli';
import { onTerminal, opsWorkspace, run, until, synthesizedOnce } from './helpers/ops';

// A plan, then a deploy on a terminal of its own: many Node processes in a row, which on two busy
// cores can outlast jest's default 30 s. A ceiling, not a target.
jest.setTimeout(120_000);

const { ws, tfEnv, applied } = opsWorkspace(synthesizedOnce());
/** `npm run deploy -- --auto-approve` on a terminal of its own; `type` sends keys to it. */
const deployOnTerminal = () =>
  onTerminal('deploy.ts', ['--auto-approve'], tfEnv({ FAKE_TF_SLOW: 'students-dev-data' }));

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
  // With the screen, so a failure shows what the tool said (or that the keystroke never arrived).
  expect([interrupts(), term.screen()]).toEqual([1, expect.stringContaining('passing one interrupt to terraform')]);
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
