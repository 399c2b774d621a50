/**
 * `npm run restore`: brings the table's data back from a point in time or a recovery point, into
 * a new table, and then, where only some rows were lost, back into the live one.
 *
 *   npm run restore -- --to <time> | --latest | --recovery-point <arn>   restore into a new table
 *   npm run restore -- --from <restored table>                           compare an earlier restore
 *     [--copy-back [--yes]] [--dry-run] [--target <name>] [--sample <n>] [--wait-minutes <n>]
 *     [--table <name>] [--endpoint <url>]
 *
 * A restore goes through the AWS CLI (point-in-time recovery, or AWS Backup with the backup
 * role) into `<table>-restored-<time>`, never over a table that exists; it waits for the table,
 * compares it with the live one (exact counts, a random sample read from both) and prints the
 * cut-over steps. `--copy-back` then copies the restored rows the live table lacks into it, each
 * write conditional on the row's absence, with progress, Ctrl-C and a summary; it asks first
 * unless --yes. `--dry-run` changes nothing: it prints the restore call, or counts what a
 * copy-back would copy. Exit codes: 0 done, 1 a failure (restore, wait or rows, listed), 2 usage,
 * 5 not confirmed, 6 locked, 130 interrupted.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tableNameFor } from '../../core/contract';
import { loadConfig, nameOf, prefixOf } from '../../stacks/config';
import { protectionNames } from '../../stacks/config/backup';
import { strictArgs, UsageError } from '../args';
import { awsJson, checkAwsCli } from './aws';
import { confirm, EXIT, progressLine, runMain, stopOnInterrupt } from './cli';
import { lockEnvironment } from './env-lock';
import {
  type CopyReport,
  compareTables,
  copyBack,
  renderComparison,
  renderCopy,
  tableExists,
  waitForTable,
} from './restore-table';

export const USAGE =
  'usage: npm run restore -- (--to <time> | --latest | --recovery-point <arn> | --from <table>) [--copy-back] [--dry-run] [--yes] [--target <name>] [--sample <n>] [--wait-minutes <n>] [--table <name>] [--endpoint <url>]';

const FLAGS = {
  to: { type: 'string' },
  latest: { type: 'boolean' },
  'recovery-point': { type: 'string' },
  from: { type: 'string' },
  target: { type: 'string' },
  'copy-back': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  sample: { type: 'string' },
  'wait-minutes': { type: 'string' },
  table: { type: 'string' },
  endpoint: { type: 'string' },
} as const;

type Source = { kind: 'time'; at?: Date } | { kind: 'recovery-point'; arn: string } | { kind: 'table'; name: string };

function sourceOf(v: Record<string, unknown>, now: Date): Source {
  const given = (['to', 'latest', 'recovery-point', 'from'] as const).filter((f) => v[f] !== undefined);
  if (given.length !== 1)
    throw new UsageError(`give exactly one of --to, --latest, --recovery-point, --from\n${USAGE}`);
  if (v.from !== undefined) return { kind: 'table', name: String(v.from) };
  if (v.latest) return { kind: 'time' };
  if (v['recovery-point'] !== undefined) {
    const arn = String(v['recovery-point']);
    if (!/^arn:aws[a-z-]*:(backup|dynamodb):[a-z0-9-]+:\d{12}:\S+$/.test(arn))
      throw new UsageError(
        `--recovery-point: "${arn}" is not a recovery point ARN (aws backup list-recovery-points-by-backup-vault)`,
      );
    return { kind: 'recovery-point', arn };
  }
  const text = String(v.to);
  const at = new Date(text);
  if (!/(Z|[+-]\d\d:\d\d)$/.test(text) || Number.isNaN(at.getTime()))
    throw new UsageError(`--to: "${text}" is not a time with its zone, like 2026-12-01T10:00:00Z`);
  if (at > now) throw new UsageError(`--to: ${at.toISOString()} is in the future`);
  return { kind: 'time', at };
}

function intFlag(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name}: "${value}" is not a whole number from 1 to ${max}`);
  return n;
}

/** The AWS CLI call that restores `source` into `target`. */
function restoreCall(
  source: Source,
  live: string,
  target: string,
  cmkAlias: string | undefined,
  roleArn: () => string,
) {
  if (source.kind === 'recovery-point')
    return [
      'backup',
      'start-restore-job',
      '--recovery-point-arn',
      source.arn,
      '--iam-role-arn',
      roleArn(),
      '--resource-type',
      'DynamoDB',
      '--metadata',
      JSON.stringify({ TargetTableName: target }),
    ];
  return [
    'dynamodb',
    'restore-table-to-point-in-time',
    '--source-table-name',
    live,
    '--target-table-name',
    target,
    ...(source.kind === 'time' && source.at
      ? ['--restore-date-time', source.at.toISOString()]
      : ['--use-latest-restorable-time']),
    // With STUDENTS_CMK the copy is encrypted with the environment's key, like the table.
    ...(cmkAlias ? ['--sse-specification-override', `Enabled=true,SSEType=KMS,KMSMasterKeyId=${cmkAlias}`] : []),
  ];
}

function nextSteps(restored: string, live: string): string {
  return [
    '',
    'Next (docs/RUNBOOK.md, "Restore the table"):',
    `  - Rows lost from ${live}: npm run restore -- --from ${restored} --copy-back --dry-run, then without --dry-run.`,
    '  - Rows changed, not lost: a copy-back never overwrites; the runbook\'s "Replace the live table" swaps in the whole restored table.',
    "  - Then resume writes: npm run deploy puts the signup function's concurrency back.",
    `  - When done: aws dynamodb delete-table --table-name ${restored}`,
  ].join('\n');
}

/** Whether signups are stopped (reserved concurrency 0), as the runbook's first step leaves them. */
function writesStopped(functionName: string): string | undefined {
  try {
    const { ReservedConcurrentExecutions } = awsJson<{ ReservedConcurrentExecutions?: number }>([
      'lambda',
      'get-function-concurrency',
      '--function-name',
      functionName,
    ]);
    if (ReservedConcurrentExecutions === 0) return undefined;
    return `${functionName} still takes signups: a student signing up now may be copied over or miss the copy. Stop writes first (runbook, step 1).`;
  } catch (err) {
    return `Could not check that ${functionName} is stopped (${(err as Error).message.split('\n')[0]}).`;
  }
}

async function main(): Promise<number> {
  const { values } = strictArgs(process.argv.slice(2), FLAGS, USAGE);
  const source = sourceOf(values, new Date());
  const dryRun = values['dry-run'] === true;
  const copying = values['copy-back'] === true;
  if (source.kind === 'table' && dryRun && !copying)
    throw new UsageError(`--dry-run with --from needs --copy-back: comparing changes nothing anyway\n${USAGE}`);
  const sample = intFlag('sample', values.sample, 50, 1000);
  const waitMinutes = intFlag('wait-minutes', values['wait-minutes'], 240, 1440);
  const endpoint = values.endpoint as string | undefined;
  const config = loadConfig(process.env);
  const live = (values.table as string | undefined) ?? tableNameFor(config.environment);
  if (source.kind === 'table' && source.name === live)
    throw new UsageError(`--from must name the restored table, not the live one (${live})`);
  const names = protectionNames(prefixOf(config));
  const client = new DynamoDBClient({ region: config.region, ...(endpoint ? { endpoint } : {}) });
  const db = DynamoDBDocumentClient.from(client, { unmarshallOptions: { wrapNumbers: true } });
  let interrupt: ReturnType<typeof stopOnInterrupt> | undefined;
  try {
    let restored: string;
    if (source.kind === 'table') restored = source.name;
    else {
      const at = source.kind === 'time' && source.at ? source.at : new Date();
      const target =
        (values.target as string | undefined) ?? `${live}-restored-${at.toISOString().replace(/[-:]|\.\d+/g, '')}`;
      if (await tableExists(client, target)) {
        console.error(
          `restore: table ${target} exists already: compare it with --from ${target}, or name another --target.`,
        );
        return EXIT.failed;
      }
      const call = restoreCall(source, live, target, config.customerManagedKey ? names.dataKeyAlias : undefined, () => {
        const { Account } = awsJson<{ Account: string }>(['sts', 'get-caller-identity']);
        return `arn:aws:iam::${Account}:role/${names.backupRole}`;
      });
      if (dryRun) {
        console.log(`Would run: aws ${call.join(' ')}\nNothing was changed.`);
        return EXIT.ok;
      }
      checkAwsCli();
      awsJson(call);
      console.log(`Restore of ${live} started into ${target}; waiting for it (up to ${waitMinutes} minutes)…`);
      await waitForTable(client, target, waitMinutes);
      console.log(`${target} is ACTIVE.`);
      if (target === live) {
        console.log(
          'The table is back under its own name: npm run plan shows what a restore does not carry over (point-in-time recovery, deletion protection), and npm run deploy puts it back.',
        );
        return EXIT.ok;
      }
      restored = target;
    }
    if (!(await tableExists(client, restored))) {
      console.error(`restore: there is no table ${restored}.`);
      return EXIT.failed;
    }
    console.log(renderComparison(await compareTables(db, restored, live, sample), restored, live));
    if (!copying) {
      console.log(nextSteps(restored, live));
      return EXIT.ok;
    }
    const where = endpoint ? ` at ${endpoint}` : ` (environment "${config.environment}", ${config.region})`;
    if (!dryRun) {
      if (!endpoint) lockEnvironment(config.environment, 'npm run restore');
      const warning = writesStopped(nameOf(config, 'signup-students'));
      if (warning) console.error(`WARNING: ${warning}`);
      const question = `Copy the rows of ${restored} that ${live}${where} lacks into it (rows it has are left alone)?`;
      if (!(await confirm(question, { autoApprove: values.yes === true }))) {
        console.error(
          'Not confirmed: nothing was changed. (--dry-run counts what it would copy; --yes skips this question.)',
        );
        return EXIT.notConfirmed;
      }
    }
    interrupt = stopOnInterrupt('row');
    const bar = progressLine<CopyReport>(
      (r) => `${r.scanned} read: ${r.copied} copied, ${r.present} already there, ${r.failures.length} failed`,
    );
    const report = await copyBack(db, restored, live, { dryRun, signal: interrupt.signal, onRow: bar.update }).finally(
      bar.stop,
    );
    console.log(renderCopy(report, dryRun, live));
    if (!report.interrupted && report.failures.length === 0 && !dryRun)
      console.log('Then resume writes (npm run deploy), and delete the restored table when you no longer need it.');
    return report.interrupted ? EXIT.interrupted : report.failures.length > 0 ? EXIT.failed : EXIT.ok;
  } catch (err) {
    console.error(`restore: ${(err as Error).name}: ${(err as Error).message}`);
    return EXIT.failed;
  } finally {
    interrupt?.release();
    client.destroy();
  }
}

if (require.main === module) runMain(main);
