/**
 * `npm run restore` against the local stack: dynalite holds the live table and, once the stand-in
 * AWS CLI has been asked to restore, the restored one (the live table as the test saved it before
 * the damage). It restores into a new table with the exact AWS call, compares the two, copies back
 * only what the live table lacks (never over a row written since, keeping attributes it does not
 * own, search entries included), has a dry run that changes nothing, asks first, and on a terminal
 * shows progress and stops on Ctrl-C with a summary.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { wordsTableOf } from '../core/name-words';
import { LOCAL_AWS_ENV, localClient } from '../scripts/local/data-tier';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { EXIT } from '../scripts/ops/cli';
import { tableExists } from '../scripts/ops/restore-table';
import { FIXTURES, onTerminal, run, until } from './helpers/ops';
import { clearTable, indexedItem, putRaw, scanAll } from './helpers/store';

jest.setTimeout(120_000);

let backend: LocalBackend;
let dir: string;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
});
afterAll(() => backend.stop());
beforeEach(async () => {
  await clearTable(backend.data, backend.tableName);
  dir = mkdtempSync(path.join(os.tmpdir(), 'students-restore-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const student = (i: number, extra: Record<string, AttributeValue> = {}) => ({
  ...indexedItem({ name: `Student Number${i}`, age: '20', email: `s${i}@example.com`, country: 'UK' }),
  ...extra,
});
const live = () => backend.tableName;
const env = () => ({
  ...LOCAL_AWS_ENV,
  FAKE_AWS_LOG: path.join(dir, 'aws.log'),
  FAKE_RESTORE_HOOK: path.join(FIXTURES, 'restore-stand-in.ts'),
  FAKE_RESTORE_SNAPSHOT: path.join(dir, 'snapshot.json'),
  FAKE_DYNAMO_ENDPOINT: backend.data.endpoint,
  FAKE_SIGNUP_CONCURRENCY: '0',
});
const where = () => ['--endpoint', backend.data.endpoint, '--table', live()];
const awsCalls = () => {
  try {
    return readFileSync(path.join(dir, 'aws.log'), 'utf8').trim().split('\n');
  } catch {
    return [];
  }
};
const rows = async (table = live()) =>
  (await scanAll(backend.data, table, { raw: true })).sort((a, b) => String(a.email).localeCompare(String(b.email)));

/** Five students with a note we do not own, saved as the snapshot; then two lost and one renamed. */
async function damaged(): Promise<void> {
  const before = [1, 2, 3, 4, 5].map((i) => student(i, { consentAt: { N: String(1700000000 + i) } }));
  writeFileSync(path.join(dir, 'snapshot.json'), JSON.stringify(before));
  await putRaw(backend.data, live(), [student(1), student(3), student(4, { name: { S: 'Renamed Since' } })]);
}

/** A restored table made by an earlier run, named by the test. */
async function restoredTable(): Promise<string> {
  const target = `${live()}-restored-${path.basename(dir).slice(-6).toLowerCase()}`;
  const made = run('restore.ts', ['--to', '2026-12-01T10:00:00Z', '--target', target, ...where()], env());
  expect(made.stderr).toBe('');
  expect(made.status).toBe(EXIT.ok);
  return target;
}

test('restores a point in time into a new table with the exact AWS call, compares, and prints the cut-over steps', async () => {
  await damaged();
  const before = await rows();
  const out = run('restore.ts', ['--to', '2026-12-01T10:00:00Z', '--sample', '5', ...where()], env());
  expect(out.stderr).toBe('');
  expect(out.status).toBe(EXIT.ok);
  const target = `${live()}-restored-20261201T100000Z`;
  expect(awsCalls()).toContain(
    `aws dynamodb restore-table-to-point-in-time --source-table-name ${live()} --target-table-name ${target} --restore-date-time 2026-12-01T10:00:00.000Z --output json`,
  );
  expect(out.stdout).toContain(`${target} is ACTIVE.`);
  expect(out.stdout).toContain(`restored ${target}: 5 items`);
  expect(out.stdout).toContain(`live     ${live()}: 3 items`);
  // Every restored item is in the sample: two missing, and all three others changed (the note, a rename).
  expect(out.stdout).toContain(
    'a random sample of 5 restored items, read from the live table: 0 identical, 3 changed since, 2 missing',
  );
  expect(out.stdout).toContain('missing from live: "s2@example.com"');
  expect(out.stdout).toContain(`npm run restore -- --from ${target} --copy-back --dry-run`);
  expect(await rows()).toEqual(before);

  // Never over a table that exists: the same restore again is refused before any AWS call.
  const calls = awsCalls().length;
  const again = run('restore.ts', ['--to', '2026-12-01T10:00:00Z', ...where()], env());
  expect(again.status).toBe(EXIT.failed);
  expect(again.stderr).toContain(`table ${target} exists already: compare it with --from ${target}`);
  expect(awsCalls()).toHaveLength(calls);
});

test('a dry run prints the call and creates nothing; a recovery point restores with the backup role; STUDENTS_CMK keeps the key', async () => {
  await damaged();
  const dry = run('restore.ts', ['--latest', '--dry-run', '--target', 'dry-target', ...where()], env());
  expect(dry.status).toBe(EXIT.ok);
  expect(dry.stdout).toContain(
    `Would run: aws dynamodb restore-table-to-point-in-time --source-table-name ${live()} --target-table-name dry-target --use-latest-restorable-time`,
  );
  expect(awsCalls()).toEqual([]);
  expect(await tableExists(localClient(backend.data.endpoint), 'dry-target')).toBe(false);

  const point = 'arn:aws:backup:us-east-1:123456789012:recovery-point:0f1e2d3c-aaaa-bbbb-cccc-0123456789ab';
  const fromVault = run('restore.ts', ['--recovery-point', point, '--target', 'from-vault', ...where()], env());
  expect(fromVault.stderr).toBe('');
  expect(fromVault.status).toBe(EXIT.ok);
  expect(awsCalls()).toContain(
    `aws backup start-restore-job --recovery-point-arn ${point} --iam-role-arn arn:aws:iam::123456789012:role/students-dev-backup --resource-type DynamoDB --metadata {"TargetTableName":"from-vault"} --output json`,
  );
  expect(fromVault.stdout).toContain('restored from-vault: 5 items');

  const keyed = run('restore.ts', ['--latest', '--dry-run', '--target', 'keyed', ...where()], {
    ...env(),
    STUDENTS_CMK: 'true',
  });
  expect(keyed.stdout).toContain(
    '--sse-specification-override Enabled=true,SSEType=KMS,KMSMasterKeyId=alias/students-dev-data',
  );
});

test('copy-back: a dry run counts and changes nothing; then only the missing rows come back, whole, searchable, and nothing newer is overwritten', async () => {
  await damaged();
  const target = await restoredTable();
  const before = await rows();
  const wordsBefore = await rows(wordsTableOf(live()));

  const dry = run('restore.ts', ['--from', target, '--copy-back', '--dry-run', ...where()], env());
  expect(dry.status).toBe(EXIT.ok);
  expect(dry.stdout).toContain(
    `read 5 restored rows: would copy 2 into ${live()}, 3 already there (kept as they are), 0 failed`,
  );
  expect(dry.stdout).toMatch(/name-words entries: would add [1-9]\d*/);
  expect(await rows()).toEqual(before);
  expect(await rows(wordsTableOf(live()))).toEqual(wordsBefore);

  // No terminal and no --yes: a no at once.
  const unasked = run('restore.ts', ['--from', target, '--copy-back', ...where()], env());
  expect(unasked.status).toBe(EXIT.notConfirmed);
  expect(await rows()).toEqual(before);

  // Signups not stopped: said before the question.
  const { FAKE_SIGNUP_CONCURRENCY: _, ...running } = env();
  const warned = run('restore.ts', ['--from', target, '--copy-back', ...where()], running);
  expect(warned.stderr).toContain('WARNING: students-dev-signup-students still takes signups');

  const done = run('restore.ts', ['--from', target, '--copy-back', '--yes', ...where()], env());
  expect(done.stderr).toBe('');
  expect(done.status).toBe(EXIT.ok);
  expect(done.stdout).toContain(
    `read 5 restored rows: copied 2 into ${live()}, 3 already there (kept as they are), 0 failed`,
  );
  const after = await rows();
  expect(after.map((r) => [r.email, r.name, r.consentAt])).toEqual([
    ['s1@example.com', 'Student Number1', undefined],
    ['s2@example.com', 'Student Number2', 1700000002],
    ['s3@example.com', 'Student Number3', undefined],
    ['s4@example.com', 'Renamed Since', undefined],
    ['s5@example.com', 'Student Number5', 1700000005],
  ]);
  const words = (await rows(wordsTableOf(live()))).map((w) => JSON.stringify(w));
  for (const email of ['s2@example.com', 's5@example.com'])
    expect([email, words.some((w) => w.includes(email))]).toEqual([email, true]);

  // Run again: everything is there, nothing is written.
  const rerun = run('restore.ts', ['--from', target, '--copy-back', '--yes', ...where()], env());
  expect(rerun.stdout).toContain('copied 0 into');
  expect(await rows()).toEqual(after);
});

test('on a terminal: asks, shows progress, stops on Ctrl-C with a summary; run again, it finishes', async () => {
  const count = 1500;
  writeFileSync(path.join(dir, 'snapshot.json'), JSON.stringify(Array.from({ length: count }, (_, i) => student(i))));
  const target = await restoredTable();
  const term = onTerminal('restore.ts', ['--from', target, '--copy-back', ...where()], env());
  await until(() => term.screen().includes("Only 'yes' is accepted"), 'the question');
  term.type('yes\r');
  const progress = new RegExp(`${String.fromCharCode(13, 27)}\\[K\\d+ read: \\d+ copied, 0 already there, 0 failed`);
  await until(() => progress.test(term.screen()), 'progress');
  term.type('\x03');
  const code = await term.exited;
  term.child.stdin.end();
  expect(code).toBe(EXIT.interrupted);
  const copied = Number(/INTERRUPTED after \d+ restored rows: copied (\d+)/.exec(term.screen())?.[1]);
  expect(copied).toBeGreaterThan(0);
  expect(copied).toBeLessThan(count);
  expect(await rows()).toHaveLength(copied);

  const rest = run('restore.ts', ['--from', target, '--copy-back', '--yes', ...where()], env());
  expect(rest.status).toBe(EXIT.ok);
  expect(rest.stdout).toContain(
    `read ${count} restored rows: copied ${count - copied} into ${live()}, ${copied} already there`,
  );
  expect(await rows()).toHaveLength(count);
});

test('usage: one source, a time with its zone and not in the future, --from never the live table', () => {
  for (const [args, message] of [
    [['--latest', '--to', '2026-12-01T10:00:00Z'], 'give exactly one of --to, --latest, --recovery-point, --from'],
    [['--to', '2026-12-01 10:00'], '--to: "2026-12-01 10:00" is not a time with its zone'],
    [['--to', '2999-01-01T00:00:00Z'], '--to: 2999-01-01T00:00:00.000Z is in the future'],
    [['--recovery-point', 'rp-1'], '--recovery-point: "rp-1" is not a recovery point ARN'],
    [['--from', 'x', '--sample', '0'], '--sample: "0" is not a whole number from 1 to 1000'],
    [['--from', 'x', '--dry-run'], '--dry-run with --from needs --copy-back'],
  ] as const) {
    const out = run('restore.ts', [...args, ...where()], env());
    expect([args, out.status, out.stderr]).toEqual([args, EXIT.usage, expect.stringContaining(message)]);
  }
  const self = run('restore.ts', ['--from', live(), ...where()], env());
  expect([self.status, self.stderr]).toEqual([EXIT.usage, expect.stringContaining('not the live one')]);
  expect(awsCalls()).toEqual([]);
});
