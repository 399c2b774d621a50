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

export const EXIT = { passed: 0, refused: 3, usage: 2 } as const;
export const USAGE =
  'usage: npm run plan:check -- [--allow-destroy <address>]... [--allow-unprotect <address>]... [--json | --markdown] <plan.json>...';

export type Format = 'text' | 'json' | 'markdown';

export interface CheckArgs extends GuardOptions {
  readonly files: string[];
  readonly format: Format;
}

/** Options shared with plan, deploy and destroy; unknown flags are an error. */
export function parseGuardFlag(
  argv: readonly string[],
  i: number,
  into: { allowDestroy: string[]; allowUnprotect: string[] },
): number {
  const a = argv[i] as string;
  for (const [flag, list] of [
    ['--allow-destroy', into.allowDestroy],
    ['--allow-unprotect', into.allowUnprotect],
  ] as const) {
    if (a === flag) {
      const v = argv[i + 1];
      if (!v || v.startsWith('-')) throw new Error(`${flag} needs an address, e.g. aws_dynamodb_table.students-table`);
      list.push(v);
      return i + 1;
    }
    if (a.startsWith(`${flag}=`)) {
      list.push(a.slice(flag.length + 1));
      return i;
    }
  }
  return -1;
}

export function parseArgs(argv: readonly string[]): CheckArgs {
  const files: string[] = [];
  const lists = { allowDestroy: [] as string[], allowUnprotect: [] as string[] };
  let format: Format = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    const used = parseGuardFlag(argv, i, lists);
    if (used >= 0) i = used;
    else if (a === '--json' || a === '--markdown') format = a === '--json' ? 'json' : 'markdown';
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}\n${USAGE}`);
    else files.push(a);
  }
  if (files.length === 0) throw new Error(USAGE);
  return { files, format, ...lists };
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
    const args = parseArgs(argv);
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
