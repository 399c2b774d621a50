/**
 * The plan guard's report as text for a terminal and JSON for CI (Markdown: plan-markdown.ts).
 * Changes are listed by risk (refused first, then deletes, replaces, forgets, updates, creates,
 * moves, imports). Nothing is dropped silently: a long attribute list ends in "… and N more", and
 * the JSON says `truncated` with the full count.
 */
import { blocking, type Change, type PlanReport, planLine } from './plan-guard';

/** Attribute changes shown per resource: in text, and in JSON (each says how many there are). */
export const TEXT_ATTRIBUTES = 40;
export const JSON_ATTRIBUTES = 500;

/** The JSON report's schema name and version (docs/DEPLOYING.md, "The guard's reports"); a new version for any breaking change. */
export const REPORT_SCHEMA = 'students-plan-guard';
export const REPORT_VERSION = 2;

const RANK = ['delete', 'replace', 'forget', 'create-forget', 'update', 'create', 'read', 'no-op'] as const;
const LABEL: Record<string, string> = { 'create-forget': 'create, then forget', 'no-op': 'moved' };

export function details(c: Change): string[] {
  return [
    c.order,
    c.previousAddress && c.kind !== 'no-op' ? `moved from ${c.previousAddress}` : undefined,
    c.reason && `reason: ${c.reason}`,
    c.replacePaths && `forced by: ${c.replacePaths.join(', ')}`,
    c.stateful && `stateful: ${c.stateful}`,
  ].filter((b): b is string => Boolean(b));
}

/** The label of a change: its kind, `moved` for a move alone, `import` for an import alone. */
export function labelOf(c: Change): string {
  if (c.kind === 'no-op') return c.previousAddress ? 'moved' : 'import';
  return `${LABEL[c.kind] ?? c.kind}${c.importing ? ', import' : ''}`;
}

/** The address as the report shows it: `from → to` for a move alone. */
export function shownAddress(c: Change): string {
  return c.kind === 'no-op' && c.previousAddress ? `${c.previousAddress} → ${c.address}` : c.address;
}

/** What the report lists, most dangerous first: refused, then by kind; moves and imports last. */
export function byRisk(r: PlanReport): Change[] {
  const refused = new Set(r.refusals.filter((f) => !f.allowed).map((f) => f.address));
  const rank = (c: Change) => (refused.has(c.address) ? -1 : RANK.indexOf(c.kind as (typeof RANK)[number]));
  return r.changes
    .filter((c) => c.kind !== 'no-op' || c.importing || c.previousAddress)
    .map((c, i) => ({ c, i }))
    .sort((x, y) => rank(x.c) - rank(y.c) || x.i - y.i)
    .map(({ c }) => c);
}

export function verdict(reports: readonly PlanReport[]): string {
  const refused = blocking(reports);
  return refused.length === 0 ? 'plan guard: passed' : `plan guard: REFUSED (${refused.length})`;
}

type Refusal = PlanReport['refusals'][number];

/** The flag, with its name, that lets a refusal through (for one stack), when one can. */
export function allowFlag(f: Refusal, stack: string): string | undefined {
  return f.allowWith ? `${f.allowWith} ${stack}:${f.allowName ?? f.address}` : undefined;
}

/** How a refusal is let through, or why it cannot be. */
export function allowHint(f: Refusal, stack: string): string {
  if (f.allowed) return `allowed by ${f.allowWith}`;
  const flag = allowFlag(f, stack);
  return flag ? `${flag} lets it through` : 'cannot be allowed';
}

/** Every flag that lets the standing refusals through, in one line to copy. */
export function allowFlags(reports: readonly PlanReport[]): string {
  return reports
    .flatMap((r) =>
      r.refusals
        .filter((f) => !f.allowed)
        .map((f) => allowFlag(f, r.stack))
        .filter((flag): flag is string => flag !== undefined),
    )
    .filter((flag, i, all) => all.indexOf(flag) === i)
    .join(' ');
}

function attributeLines(c: Pick<Change, 'attributes'>, indent: string): string[] {
  const shown = c.attributes.slice(0, TEXT_ATTRIBUTES).map((a) => `${indent}${a.path}: ${a.before} → ${a.after}`);
  const more = c.attributes.length - shown.length;
  return more > 0 ? [...shown, `${indent}… and ${more} more (all of them: the stack's plan.txt, or --json)`] : shown;
}

export function renderText(reports: readonly PlanReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.stack}: ${planLine(r.counts)}`);
    for (const c of byRisk(r)) {
      const what = shownAddress(c);
      const extra = details(c);
      lines.push(`  ${labelOf(c).padEnd(8)} ${what}${extra.length ? ` (${extra.join('; ')})` : ''}`);
      lines.push(...attributeLines(c, '             '));
    }
    if (r.drift.length > 0) {
      lines.push('  changed outside Terraform since the last apply (drift):');
      for (const d of r.drift)
        lines.push(`    ${d.kind.padEnd(8)} ${d.address}`, ...attributeLines(d, '             '));
    }
    for (const w of r.warnings) lines.push(`  WARNING: ${w}`);
  }
  const refused = reports.flatMap((r) => r.refusals.map((f) => ({ f, stack: r.stack })));
  if (refused.length > 0) {
    lines.push('', 'Refused:');
    for (const { f, stack } of refused) lines.push(`  ${stack}: ${f.address} ${f.why} [${allowHint(f, stack)}]`);
    const flags = allowFlags(reports);
    if (flags)
      lines.push('', `Once you have read each one and mean all of them, plan (or destroy) again with:\n  ${flags}`);
  }
  lines.push('', verdict(reports));
  return lines.join('\n');
}

function capped(c: Change) {
  return {
    ...c,
    attributes: c.attributes.slice(0, JSON_ATTRIBUTES),
    attributeCount: c.attributes.length,
    truncated: c.attributes.length > JSON_ATTRIBUTES,
  };
}

export function renderJson(reports: readonly PlanReport[]): string {
  const refused = blocking(reports);
  return JSON.stringify(
    {
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      passed: refused.length === 0,
      refused: refused.length,
      stacks: reports.map((r) => ({
        ...r,
        planLine: planLine(r.counts),
        changes: byRisk(r).map(capped),
        drift: r.drift.map(capped),
      })),
    },
    null,
    2,
  );
}

/** The JSON a command prints when it could not produce a report: same schema, with the error. */
export function renderJsonError(message: string, exitCode: number): string {
  return JSON.stringify(
    { schema: REPORT_SCHEMA, version: REPORT_VERSION, passed: false, error: { message, exitCode } },
    null,
    2,
  );
}
