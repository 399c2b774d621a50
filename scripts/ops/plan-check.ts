/**
 * `npm run plan:check`: the plan guard over `terraform show -json` plan files.
 *
 *   npm run plan:check -- [--allow-destroy <address | stack:address>]... [--allow-unprotect <address>]...
 *                         [--json | --markdown] <plan.json>...
 *
 * Exit codes: 0 passed, 3 refused, 2 bad usage or a file that is not a plan (as every ops command: see cli.ts).
 */
import { readFileSync } from 'node:fs';
import { analyse, blocking, type GuardOptions, type PlanJson, type PlanReport, stackNameOf } from './plan-guard';
import { renderJson, renderMarkdown, renderText } from './plan-report';
import { GUARD_OPTIONS, guardLists, strictArgs, UsageError } from '../args';

export const EXIT = { passed: 0, refused: 3, usage: 2 } as const;
export const USAGE =
  'usage: npm run plan:check -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--json | --markdown] <plan.json>...';

export type Format = 'text' | 'json' | 'markdown';

export interface CheckArgs extends GuardOptions {
  readonly files: string[];
  readonly format: Format;
}

export function parseCheckArgs(argv: readonly string[]): CheckArgs {
  const { values, positionals } = strictArgs(
    argv,
    { json: { type: 'boolean' }, markdown: { type: 'boolean' }, ...GUARD_OPTIONS },
    USAGE,
    true,
  );
  if (positionals.length === 0) throw new UsageError(USAGE);
  const format: Format = values.json ? 'json' : values.markdown ? 'markdown' : 'text';
  return { files: positionals, format, ...guardLists(values) };
}

export function readPlan(file: string): PlanJson {
  let plan: PlanJson;
  try {
    plan = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
  } catch (err) {
    throw new Error(`${file}: not a readable JSON plan (${(err as Error).message})`);
  }
  if (!plan.format_version?.startsWith('1.')) {
    throw new Error(`${file}: not a terraform show -json plan (format_version ${plan.format_version ?? 'missing'})`);
  }
  return plan;
}

export function render(reports: readonly PlanReport[], format: Format): string {
  return format === 'json'
    ? renderJson(reports)
    : format === 'markdown'
      ? renderMarkdown(reports)
      : renderText(reports);
}

/** Runs the guard as the CLI does; the output goes to stdout, or stderr for usage errors. */
export function checkFiles(argv: readonly string[]): { output: string; exitCode: number; reports: PlanReport[] } {
  try {
    const args = parseCheckArgs(argv);
    const reports = args.files.map((f) => analyse(stackNameOf(f), readPlan(f), args));
    return {
      output: render(reports, args.format),
      exitCode: blocking(reports).length > 0 ? EXIT.refused : EXIT.passed,
      reports,
    };
  } catch (err) {
    return { output: (err as Error).message, exitCode: EXIT.usage, reports: [] };
  }
}

if (require.main === module) {
  const { output, exitCode } = checkFiles(process.argv.slice(2));
  (exitCode === EXIT.usage ? console.error : console.log)(output);
  process.exit(exitCode);
}
