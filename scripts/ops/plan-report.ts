/** The plan guard's report, as text for a terminal, Markdown for a pull request, or JSON for CI. */
import { blocking, type Change, type PlanReport, planLine } from './plan-guard';

const ORDER = ['delete', 'replace', 'forget', 'create-forget', 'update', 'create', 'read'] as const;
const LABEL: Record<string, string> = { 'create-forget': 'create, then forget' };

function details(c: Change): string {
  const bits = [
    c.order,
    c.reason && `reason: ${c.reason}`,
    c.replacePaths && `forced by: ${c.replacePaths.join(', ')}`,
    c.stateful && `stateful: ${c.stateful}`,
  ];
  const text = bits.filter(Boolean).join('; ');
  return text ? ` (${text})` : '';
}

function listed(r: PlanReport): Change[] {
  return r.changes.filter((c) => c.kind !== 'no-op' || c.importing);
}

export function verdict(reports: readonly PlanReport[]): string {
  const refused = blocking(reports);
  return refused.length === 0 ? 'plan guard: passed' : `plan guard: REFUSED (${refused.length})`;
}

export function renderText(reports: readonly PlanReport[]): string {
  const lines: string[] = [];
  for (const r of reports) {
    lines.push(`${r.stack}: ${planLine(r.counts)}`);
    for (const kind of ORDER) {
      for (const c of listed(r).filter((x) => x.kind === kind)) {
        lines.push(`  ${(LABEL[kind] ?? kind).padEnd(8)} ${c.address}${c.importing ? ' (import)' : ''}${details(c)}`);
        for (const a of c.attributes) lines.push(`             ${a.path}: ${a.before} → ${a.after}`);
      }
    }
    for (const c of listed(r).filter((x) => x.kind === 'no-op' && x.importing)) lines.push(`  import   ${c.address}`);
    if (r.drift.length > 0) {
      lines.push('  changed outside Terraform since the last apply (drift):');
      for (const d of r.drift) {
        lines.push(`    ${d.kind.padEnd(8)} ${d.address}`);
        for (const a of d.attributes) lines.push(`             ${a.path}: ${a.before} → ${a.after}`);
      }
    }
    for (const w of r.warnings) lines.push(`  WARNING: ${w}`);
  }
  const refused = reports.flatMap((r) => r.refusals.map((f) => ({ ...f, stack: r.stack })));
  if (refused.length > 0) {
    lines.push('', 'Refused:');
    for (const f of refused) {
      const how = f.allowed
        ? `allowed by ${f.allowWith}`
        : f.allowWith
          ? `${f.allowWith} ${f.stack}:${f.address} lets it through`
          : 'cannot be allowed';
      lines.push(`  ${f.stack}: ${f.address} ${f.why} [${how}]`);
    }
  }
  lines.push('', verdict(reports));
  return lines.join('\n');
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderMarkdown(reports: readonly PlanReport[]): string {
  const out: string[] = [`### ${verdict(reports)}`, ''];
  for (const r of reports) {
    out.push(`#### ${r.stack}`, '', `\`${planLine(r.counts)}\``, '');
    const rows = listed(r);
    if (rows.length > 0) {
      out.push('| action | address | details |', '| --- | --- | --- |');
      for (const c of rows) {
        const attrs = c.attributes.map((a) => `\`${a.path}\`: ${a.before} → ${a.after}`).join('<br>');
        out.push(
          `| ${c.importing ? `${c.kind}, import` : c.kind} | \`${c.address}\` | ${cell([details(c).slice(2, -1), attrs].filter(Boolean).join('<br>'))} |`,
        );
      }
      out.push('');
    }
    if (r.drift.length > 0) {
      out.push('Drift (changed outside Terraform):', '');
      for (const d of r.drift)
        out.push(`- \`${d.address}\`: ${d.attributes.map((a) => `\`${a.path}\` ${a.before} → ${a.after}`).join(', ')}`);
      out.push('');
    }
    for (const w of r.warnings) out.push(`> **Warning:** ${w}`, '');
    for (const f of r.refusals) out.push(`- ${f.allowed ? 'allowed' : '**refused**'}: \`${f.address}\` ${f.why}`);
    if (r.refusals.length > 0) out.push('');
  }
  return out.join('\n').trimEnd();
}

export function renderJson(reports: readonly PlanReport[]): string {
  const refused = blocking(reports);
  return JSON.stringify(
    {
      passed: refused.length === 0,
      refused: refused.length,
      stacks: reports.map((r) => ({ ...r, planLine: planLine(r.counts) })),
    },
    null,
    2,
  );
}
