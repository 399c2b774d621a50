/**
 * `npm run plan:check`: the plan guard over `terraform show -json` plan files.
 *
 *   npm run -s plan:check -- [--allow-destroy <address | stack:address>]... [--allow-unprotect <address>]...
 *                            [--json | --markdown] [--json-file <path>] <plan.json>...
 *
 * `--json` prints only JSON on stdout (with `npm run -s`, which keeps npm's banner off), on
 * refusal and on error too; `--json-file` writes it to a file beside any format. Exit codes: 0
 * passed, 3 refused, 2 bad usage or a file that is not a plan (as every ops command: see cli.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { analyse, blocking, type GuardOptions, type PlanJson, type PlanReport, stackNameOf } from './plan-guard';
import { renderMarkdown } from './plan-markdown';
import { renderJson, renderJsonError, renderText } from './plan-report';
import { GUARD_OPTIONS, guardLists, strictArgs, UsageError } from '../args';

export const EXIT = { passed: 0, refused: 3, usage: 2 } as const;
export const USAGE =
  'usage: npm run -s plan:check -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--json | --markdown] [--json-file <path>] <plan.json>...';

export type Format = 'text' | 'json' | 'markdown';

export interface CheckArgs extends GuardOptions {
  readonly files: string[];
  readonly format: Format;
  readonly jsonFile?: string;
}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const { values, positionals } = strictArgs(
    argv,
    { json: { type: 'boolean' }, markdown: { type: 'boolean' }, 'json-file': { type: 'string' }, ...GUARD_OPTIONS },
    USAGE,
    true,
  );
  if (positionals.length === 0) throw new UsageError(USAGE);
  const format: Format = values.json ? 'json' : values.markdown ? 'markdown' : 'text';
  const jsonFile = typeof values['json-file'] === 'string' ? values['json-file'] : undefined;
  return { files: positionals, format, ...(jsonFile ? { jsonFile } : {}), ...guardLists(values) };
}

export function readPlan(file: string): PlanJson {
  let plan: PlanJson;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
  } catch (err) {
    throw new Error(`${file}: not a readable JSON plan (${(err as Error).message})`);
  }
  if (typeof plan.format_version !== 'string' || !('resource_changes' in plan || 'planned_values' in plan))
    throw new Error(`${file}: not a terraform show -json plan (it has no format_version and no planned values)`);
  if (!/^1\.\d+$/.test(plan.format_version))
    throw new Error(
      `${file}: plan format_version ${plan.format_version} is not supported: the guard reads format 1.x (Terraform 1.x); check it against that format's documentation before changing the guard`,
    );
  return plan;
}

export function render(reports: readonly PlanReport[], format: Format): string {
  return format === 'json'
    ? renderJson(reports)
    : format === 'markdown'
      ? renderMarkdown(reports)
      : renderText(reports);
}

/** Where `--json` or `--json-file` was asked for, even in arguments that do not parse. */
export function jsonWanted(argv: readonly string[]): { stdout: boolean; file?: string } {
  const i = argv.indexOf('--json-file');
  const inline = argv.find((a) => a.startsWith('--json-file='))?.slice('--json-file='.length);
  const file = inline ?? (i >= 0 ? argv[i + 1] : undefined);
  return { stdout: argv.includes('--json'), ...(file ? { file } : {}) };
}

/**
 * Runs the guard as the CLI does. `output` goes to stdout; `error` (usage, unreadable plan) to
 * stderr. With --json, stdout carries JSON in every case.
 */
export function checkFiles(argv: readonly string[]): {
  output: string;
  error?: string;
  exitCode: number;
  reports: PlanReport[];
} {
  const wanted = jsonWanted(argv);
  try {
    const args = parseCheckArgs(argv);
    const reports = args.files.map((f) => analyse(stackNameOf(f), readPlan(f), args));
    if (args.jsonFile) writeFileSync(args.jsonFile, `${renderJson(reports)}\n`);
    return {
      output: render(reports, args.format),
      exitCode: blocking(reports).length > 0 ? EXIT.refused : EXIT.passed,
      reports,
    };
  } catch (err) {
    const message = (err as Error).message;
    const json = renderJsonError(message, EXIT.usage);
    if (wanted.file) writeFileSync(wanted.file, `${json}\n`);
    return { output: wanted.stdout ? json : '', error: message, exitCode: EXIT.usage, reports: [] };
  }
}

if (require.main === module) {
  const { output, error, exitCode } = checkFiles(process.argv.slice(2));
  if (error) console.error(error);
  if (output) console.log(output);
  process.exit(exitCode);
}
