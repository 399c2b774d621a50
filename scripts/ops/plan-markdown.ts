/**
 * The plan guard's report as Markdown for a pull-request comment: the verdict and every refusal
 * first, then each stack's changes by risk (deletes first) with long lists folded in `<details>`,
 * every value escaped so nothing it holds (`<!--`, `|`, backticks) can change the page, and split
 * into parts that each fit one GitHub comment. Each part starts with the line
 * `<!-- plan-guard part K/N -->`: post each part as its own comment.
 */
import { type Change, type PlanReport, planLine } from './plan-guard';
import { allowFlag, allowHint, byRisk, details, labelOf, shownAddress, verdict } from './plan-report';

/** GitHub's limit on one comment's body, in characters. */
export const COMMENT_LIMIT = 65_536;
/** Attribute changes shown per resource, and characters per value. */
const ATTRIBUTES = 40;
const VALUE_CHARS = 300;
/** More rows than this, and a stack's table is folded. */
const OPEN_ROWS = 20;
/** Room kept in each part for its own header and the closing of an open table. */
const PART_HEADROOM = 400;

/** Text made inert: Markdown and HTML see characters, never syntax. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[&<>|`*_[\]\\~#!$()]/g, (c) => `&#${c.charCodeAt(0)};`).replace(/\r?\n/g, '<br>');
}
const code = (s: string) => `<code>${escapeMarkdown(s)}</code>`;
const clip = (s: string) => (s.length > VALUE_CHARS ? `${s.slice(0, VALUE_CHARS)}… (${s.length} characters)` : s);

function row(c: Change): string {
  const what = shownAddress(c);
  const attrs = c.attributes
    .slice(0, ATTRIBUTES)
    .map((a) => `${code(a.path)}: ${code(clip(a.before))} → ${code(clip(a.after))}`);
  const more = c.attributes.length - attrs.length;
  if (more > 0) attrs.push(`… and ${more} more (all of them: the stack's plan.txt)`);
  const info = details(c).map(escapeMarkdown);
  const folded =
    attrs.length > 3
      ? `<details><summary>${c.attributes.length} attributes</summary>${attrs.join('<br>')}</details>`
      : attrs.join('<br>');
  return `| ${escapeMarkdown(labelOf(c))} | ${code(what)} | ${[...info, folded].filter(Boolean).join('<br>')} |`;
}

/** A run of lines that may be split between parts: `open` starts it again in the next part. */
interface Section {
  readonly open: string[];
  readonly rows: string[];
  readonly close: string[];
}

function sections(reports: readonly PlanReport[]): Section[] {
  const out: Section[] = [];
  const refused = reports.flatMap((r) => r.refusals.map((f) => ({ f, stack: r.stack })));
  if (refused.length > 0)
    out.push({
      open: ['**Refused** (apply is blocked until each is fixed or named):', ''],
      rows: refused.map(({ f, stack }) => {
        const flag = f.allowed ? undefined : allowFlag(f, stack);
        return `- ${f.allowed ? 'allowed' : '**refused**'}: ${code(`${stack}:${f.address}`)} ${escapeMarkdown(f.why)} (${
          flag ? `let it through with ${code(flag)}` : escapeMarkdown(allowHint(f, stack))
        })`;
      }),
      close: [''],
    });
  for (const r of reports) {
    const head = [`#### ${escapeMarkdown(r.stack)}`, '', code(planLine(r.counts)), ''];
    for (const w of r.warnings) head.push(`> **Warning:** ${escapeMarkdown(w)}`, '');
    const rows = byRisk(r).map(row);
    const table = ['| action | address | details |', '| --- | --- | --- |'];
    const fold = rows.length > OPEN_ROWS;
    out.push({
      open: [...head, ...(fold ? [`<details><summary>${rows.length} changes</summary>`, ''] : []), ...table],
      rows,
      close: ['', ...(fold ? ['</details>', ''] : [])],
    });
    if (r.drift.length > 0)
      out.push({
        open: ['Drift (changed outside Terraform):', '', ...table],
        rows: r.drift.map(row),
        close: [''],
      });
  }
  return out;
}

const size = (lines: readonly string[]) => lines.reduce((n, l) => n + l.length + 1, 0);

/** The report in parts of at most `limit` characters, each opening with its part marker. */
export function renderMarkdownParts(reports: readonly PlanReport[], limit = COMMENT_LIMIT): string[] {
  const budget = limit - PART_HEADROOM;
  const bodies: string[][] = [[]];
  const current = () => bodies[bodies.length - 1] as string[];
  for (const s of sections(reports)) {
    if (size(current()) + size(s.open) + size(s.close) > budget && current().length > 0) bodies.push([]);
    current().push(...s.open);
    for (const r of s.rows) {
      if (size(current()) + r.length + 1 + size(s.close) > budget) {
        current().push(...s.close);
        bodies.push([...s.open.map((l) => (l.startsWith('####') ? `${l} (continued)` : l))]);
      }
      current().push(
        r.length + 1 + size(s.open) + size(s.close) > budget
          ? '| | | (row too long for one comment: see plan.txt) |'
          : r,
      );
    }
    current().push(...s.close);
  }
  return bodies.map((body, i) =>
    [
      `<!-- plan-guard part ${i + 1}/${bodies.length} -->`,
      `### ${verdict(reports)}${bodies.length > 1 ? ` (part ${i + 1} of ${bodies.length})` : ''}`,
      '',
      ...body,
    ]
      .join('\n')
      .trimEnd(),
  );
}

export function renderMarkdown(reports: readonly PlanReport[]): string {
  return renderMarkdownParts(reports).join('\n\n');
}
