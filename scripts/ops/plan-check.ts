/**
 * The plan guard: reads `terraform show -json` plan files, prints a summary per plan, lists
 * every delete and replace with Terraform's reason, and fails when a stateful resource
 * (stacks/stateful.ts) would be deleted or replaced, unless named with --allow-destroy.
 *
 *   npm run plan:check -- [--allow-destroy <address | stack:address>]... <plan.json>...
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { statefulRuleFor } from '../../stacks/stateful';

/** The parts of Terraform's JSON plan format (format_version 1.x) the guard reads. */
export interface PlanJson {
  format_version?: string;
  resource_changes?: {
    address: string;
    mode?: 'managed' | 'data';
    type?: string;
    action_reason?: string;
    change: { actions: string[]; replace_paths?: unknown[][] };
  }[];
}

export type Kind = 'create' | 'update' | 'delete' | 'replace' | 'no-op' | 'read' | 'forget';

export function kindOf(actions: readonly string[]): Kind {
  const a = actions.join(',');
  switch (a) {
    case 'create':
    case 'update':
    case 'delete':
    case 'read':
    case 'forget':
      return a;
    case 'delete,create':
    case 'create,delete':
      return 'replace';
    case 'no-op':
    case '':
      return 'no-op';
    default:
      throw new Error(`unknown action list [${a}]`);
  }
}

export interface Finding {
  stack: string;
  address: string;
  kind: 'delete' | 'replace';
  order?: 'destroy-before-create' | 'create-before-destroy';
  reason?: string;
  replacePaths?: string[];
  stateful?: string;
  allowed: boolean;
}

export interface PlanReport {
  stack: string;
  counts: { add: number; change: number; destroy: number; replace: number };
  findings: Finding[];
}

export function stackNameOf(file: string): string {
  // plans/<stack>/plan.json, or the file name itself.
  const base = path.basename(file, '.json');
  return base === 'plan' ? path.basename(path.dirname(file)) : base;
}

export function analyse(stack: string, plan: PlanJson, allow: readonly string[]): PlanReport {
  const counts = { add: 0, change: 0, destroy: 0, replace: 0 };
  const findings: Finding[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const kind = kindOf(rc.change.actions);
    if (kind === 'create') counts.add++;
    else if (kind === 'update') counts.change++;
    else if (kind === 'delete') counts.destroy++;
    else if (kind === 'replace') counts.replace++;
    if (kind !== 'delete' && kind !== 'replace') continue;
    const rule = statefulRuleFor(rc.address);
    findings.push({
      stack,
      address: rc.address,
      kind,
      ...(kind === 'replace'
        ? { order: rc.change.actions[0] === 'delete' ? 'destroy-before-create' : 'create-before-destroy' }
        : {}),
      ...(rc.action_reason ? { reason: rc.action_reason } : {}),
      ...(rc.change.replace_paths?.length
        ? { replacePaths: rc.change.replace_paths.map((p) => p.map(String).join('.')) }
        : {}),
      ...(rule ? { stateful: rule.why } : {}),
      allowed: allow.includes(rc.address) || allow.includes(`${stack}:${rc.address}`),
    });
  }
  return { stack, counts, findings };
}

export function summaryLine(r: PlanReport): string {
  const c = r.counts;
  return `${r.stack}: ${c.add} to add, ${c.change} to change, ${c.destroy} to destroy, ${c.replace} to replace`;
}

/** Findings that block: stateful, not allowed. */
export function blocking(reports: readonly PlanReport[]): Finding[] {
  return reports.flatMap((r) => r.findings.filter((f) => f.stateful && !f.allowed));
}

export function render(reports: readonly PlanReport[]): string {
  const lines: string[] = [];
  for (const r of reports) lines.push(summaryLine(r));
  const all = reports.flatMap((r) => r.findings);
  if (all.length > 0) {
    lines.push('', 'Deletes and replacements:');
    for (const f of all) {
      const details = [
        f.order,
        f.reason && `reason: ${f.reason}`,
        f.replacePaths && `forced by: ${f.replacePaths.join(', ')}`,
      ]
        .filter(Boolean)
        .join('; ');
      const flag = f.stateful
        ? f.allowed
          ? `  [stateful: ${f.stateful}; allowed by --allow-destroy]`
          : `  [STATEFUL: ${f.stateful}]`
        : '';
      lines.push(`  ${f.kind.padEnd(7)} ${f.stack}: ${f.address}${details ? ` (${details})` : ''}${flag}`);
    }
  }
  const blocked = blocking(reports);
  lines.push('');
  lines.push(
    blocked.length === 0
      ? 'plan guard: passed'
      : `plan guard: REFUSED: ${blocked.length} stateful resource(s) would be deleted or replaced. Rerun with --allow-destroy <address> only if losing their data is intended.`,
  );
  return lines.join('\n');
}

export function parseArgs(argv: readonly string[]): { files: string[]; allow: string[] } {
  const files: string[] = [];
  const allow: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--allow-destroy') {
      const v = argv[++i];
      if (!v) throw new Error('--allow-destroy needs an address, e.g. aws_dynamodb_table.students-table');
      allow.push(v);
    } else if (a.startsWith('--allow-destroy=')) allow.push(a.slice('--allow-destroy='.length));
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0) throw new Error('usage: plan-check [--allow-destroy <address>]... <plan.json>...');
  return { files, allow };
}

export function checkFiles(argv: readonly string[]): { output: string; exitCode: number } {
  let args: { files: string[]; allow: string[] };
  try {
    args = parseArgs(argv);
  } catch (err) {
    return { output: (err as Error).message, exitCode: 2 };
  }
  const reports: PlanReport[] = [];
  for (const file of args.files) {
    let plan: PlanJson;
    try {
      plan = JSON.parse(readFileSync(file, 'utf8')) as PlanJson;
    } catch (err) {
      return { output: `${file}: not a readable JSON plan (${(err as Error).message})`, exitCode: 2 };
    }
    if (!plan.format_version?.startsWith('1.'))
      return {
        output: `${file}: not a terraform show -json plan (format_version ${plan.format_version ?? 'missing'})`,
        exitCode: 2,
      };
    try {
      reports.push(analyse(stackNameOf(file), plan, args.allow));
    } catch (err) {
      return { output: `${file}: ${(err as Error).message}`, exitCode: 2 };
    }
  }
  return { output: render(reports), exitCode: blocking(reports).length > 0 ? 1 : 0 };
}

if (require.main === module) {
  const { output, exitCode } = checkFiles(process.argv.slice(2));
  (exitCode === 2 ? console.error : console.log)(output);
  process.exit(exitCode);
}
