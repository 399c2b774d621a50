/**
 * `npm run backfill` never loses data, against the real local data tier (dynalite): a change
 * another writer makes between the backfill's read and its write is kept (the write is retried on
 * the fresh record), a hostile key cannot reach the terminal raw, and the command itself runs as
 * an operator meets it, on a pseudo-terminal: it asks first, shows progress, and on Ctrl-C stops
 * with a summary; run again, it finishes. Without a terminal it needs --yes.
 */
import { type AttributeValue, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { localClient, LOCAL_AWS_ENV } from '../scripts/local/data-tier';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { EXIT } from '../scripts/ops/cli';
import { migrate, renderReport } from '../scripts/ops/backfill';
import { answerOnTerminal, onTerminal, run, until } from './helpers/ops';
import { clearTable, putRaw, scanAll } from './helpers/store';

jest.setTimeout(120_000);

let backend: LocalBackend;
beforeAll(async () => {
  backend = await startBackend({ apiPort: 0 });
});
afterAll(() => backend.stop());
beforeEach(() => clearTable(backend.data, backend.tableName));

const legacy = (email: string, extra: Record<string, AttributeValue> = {}): Record<string, AttributeValue> => ({
  email: { S: email },
  name: { S: ' Legacy Person ' },
  age: { N: '30' },
  country: { S: 'UK' },
  ...extra,
});

/**
 * A client whose first write of each record is preceded by `change`, made by another client: the
 * concurrent writer the backfill must not overwrite.
 */
function interfered(change: (key: string) => Promise<void>): DynamoDBDocumentClient {
  const db = DynamoDBDocumentClient.from(localClient(backend.data.endpoint), {
    unmarshallOptions: { wrapNumbers: true },
  });
  const done = new Set<string>();
  db.middlewareStack.add(
    (next, context) => async (args) => {
      // The document client's commands, before they are marshalled: plain values.
      const input = args.input as { Key?: { email?: string }; Item?: { email?: string } };
      const key = input.Key?.email ?? input.Item?.email;
      if (key && /^(Update|Put)(Item)?Command$/.test(context.commandName ?? '') && !done.has(key)) {
        done.add(key);
        await change(key);
      }
      return next(args);
    },
    { step: 'initialize', name: 'concurrentWriter' },
  );
  return db;
}

const other = () => localClient(backend.data.endpoint);
const stored = async () => scanAll(backend.data, backend.tableName, { raw: true });

test('a change made between the read and the write is kept: the write is retried on the fresh record', async () => {
  await putRaw(backend.data, backend.tableName, [
    legacy('same@example.com', { phone: { S: '+44 1' } }),
    legacy('MOVED@EXAMPLE.COM', { consentAt: { N: '1700000000' } }),
  ]);
  const db = interfered(async (key) => {
    // Someone renames the student and adds a note while the backfill is between read and write.
    const target = key === 'moved@example.com' ? 'MOVED@EXAMPLE.COM' : key;
    await other().send(
      new UpdateItemCommand({
        TableName: backend.tableName,
        Key: { email: { S: target } },
        UpdateExpression: 'SET #n = :n, notes = :notes',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': { S: '  Renamed Meanwhile ' }, ':notes': { S: `note for ${target}` } },
      }),
    );
  });
  const report = await migrate(db, backend.tableName, { dryRun: false });
  expect(report).toMatchObject({ conflicts: [], failures: [], unfixable: [] });
  expect(report.retried).toBeGreaterThanOrEqual(2);
  const items = await stored();
  expect(items.map((i) => [i.email, i.name, i.notes]).sort()).toEqual([
    ['moved@example.com', 'Renamed Meanwhile', 'note for MOVED@EXAMPLE.COM'],
    ['same@example.com', 'Renamed Meanwhile', 'note for same@example.com'],
  ]);
  // Attributes the backfill does not own are all still there, and the index keys follow the new name.
  const moved = items.find((i) => i.email === 'moved@example.com');
  expect(moved?.consentAt).toBe(1700000000);
  expect(String(moved?.nameKey).startsWith('renamed meanwhile\u0001')).toBe(true);
  expect(items.find((i) => i.email === 'same@example.com')?.phone).toBe('+44 1');
});

test('a hostile key is listed escaped, and the run exits non-zero listing it', async () => {
  const hostile = 'x\u001b[2J\u001b[Hscanned 1 records: all fine\n@example.com';
  await putRaw(backend.data, backend.tableName, [legacy(hostile)]);
  const db = DynamoDBDocumentClient.from(localClient(backend.data.endpoint), {
    unmarshallOptions: { wrapNumbers: true },
  });
  const text = renderReport(await migrate(db, backend.tableName, { dryRun: false }), false);
  expect(text).not.toContain('\u001b');
  expect(text).toContain(JSON.stringify(hostile));
  const cli = run('backfill.ts', ['--yes', ...where()], LOCAL_AWS_ENV);
  expect(cli.status).toBe(EXIT.failed);
  expect(cli.stdout).toContain(`NOT NORMALISABLE (kept): ${JSON.stringify(hostile)}`);
  expect(cli.stdout).not.toContain('\u001b');
  expect(await stored()).toHaveLength(1);
});

const where = () => ['--endpoint', backend.data.endpoint, '--table', backend.tableName];

test('on a terminal: asks, shows progress, stops on Ctrl-C with a summary; run again, it finishes; no terminal needs --yes', async () => {
  const count = 1500;
  await putRaw(
    backend.data,
    backend.tableName,
    Array.from({ length: count }, (_, i) => legacy(`PERSON.${i}@EXAMPLE.COM`)),
  );
  // No terminal and no --yes: a no at once, nothing written.
  const unasked = run('backfill.ts', where(), LOCAL_AWS_ENV);
  expect(unasked.status).toBe(EXIT.notConfirmed);
  expect(unasked.stderr).toContain('Not confirmed: nothing was changed');
  expect((await stored()).every((i) => String(i.email).startsWith('PERSON.'))).toBe(true);

  const term = onTerminal('backfill.ts', where(), LOCAL_AWS_ENV);
  await until(() => term.screen().includes("Only 'yes' is accepted"), 'the question');
  expect(term.screen()).toContain(`Backfill table ${backend.tableName} at ${backend.data.endpoint}`);
  term.type('yes\r');
  // The progress line redraws itself in place (carriage return, erase line) every second.
  const progress = new RegExp(`${String.fromCharCode(13, 27)}\\[K\\d+: \\d+ changed, 0 conflicts, 0 failed`);
  await until(() => progress.test(term.screen()), 'progress');
  term.type('\x03');
  const code = await term.exited;
  term.child.stdin.end();
  expect(code).toBe(EXIT.interrupted);
  const summary = /INTERRUPTED after (\d+) records: .*rewrote (\d+)/.exec(term.screen());
  expect(summary).not.toBeNull();
  const done = Number(summary?.[2]);
  expect(done).toBeGreaterThan(0);
  expect(done).toBeLessThan(count);
  expect(term.screen()).toContain('Run it again to finish');
  // Nothing lost: every student is there once, under one key or the other.
  const half = await stored();
  expect(half).toHaveLength(count);
  expect(half.filter((i) => /^person\./.test(String(i.email)))).toHaveLength(done);

  const rest = await answerOnTerminal('backfill.ts', where(), LOCAL_AWS_ENV, 'yes');
  expect(rest.status).toBe(EXIT.ok);
  expect(rest.screen).toMatch(
    new RegExp(`scanned ${count} records: ${done} already complete, rewrote ${count - done},`),
  );
  expect((await stored()).every((i) => /^person\.\d+@example\.com$/.test(String(i.email)))).toBe(true);
});
