/** Reading the portal's pages as a test needs them: the listed students and the pager's links. */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (s: string) => s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] as string);

export interface Row {
  readonly name: string;
  readonly age: string;
  readonly email: string;
  readonly country: string;
}

/** The students of the list's table, in page order (text as shown, the "You" tag left out). */
export function rowsOf(html: string): Row[] {
  const cell = (row: string, label: string) =>
    decode(new RegExp(`<td data-label="${label}">([^<]*)`).exec(row)?.[1]?.trim() ?? '');
  return [...html.matchAll(/<tr(?: [^>]*)?><td data-label[\s\S]*?<\/tr>/g)].map(([row]) => ({
    name: cell(row, 'Name'),
    age: cell(row, 'Age'),
    email: cell(row, 'Email'),
    country: cell(row, 'Country'),
  }));
}

/** The href of the pager's `rel` link (next or prev), decoded, or undefined. */
export function pagerLink(html: string, rel: 'next' | 'prev'): string | undefined {
  const href = new RegExp(`rel="${rel}" href="([^"]+)"`).exec(html)?.[1];
  return href === undefined ? undefined : decode(href);
}

/**
 * html-validate's recommended rules on a whole page, plus what a cut-off or pasted template would
 * break: one main, one footer, headings none empty or repeated, no attribute holding `<`.
 * Answers the problems as `rule: message (line:column)`, none when the page is sound.
 */
export async function pageProblems(html: string): Promise<string[]> {
  const { HtmlValidate, StaticConfigLoader } = await import('html-validate');
  const validator = new HtmlValidate(
    new StaticConfigLoader({
      // Standards conformance, accessibility and document structure; not the style preset's
      // taste (upper-case DOCTYPE, closing tags HTML leaves optional).
      extends: ['html-validate:standard', 'html-validate:a11y', 'html-validate:document'],
      rules: {
        'no-dup-id': 'error',
        'unique-landmark': 'error',
        'heading-level': 'error',
        'empty-heading': 'error',
        'no-inline-style': 'error',
        // Integrity matters for assets from elsewhere; ours are same-origin, with content-hashed URLs.
        'require-sri': ['error', { target: 'crossorigin' }],
      },
    }),
  );
  const report = await validator.validateString(html);
  const problems = report.results.flatMap((r) =>
    r.messages.map((m) => `${m.ruleId}: ${m.message} (${m.line}:${m.column})`),
  );
  const count = (pattern: RegExp) => (html.match(pattern) ?? []).length;
  if (count(/<main\b/g) !== 1) problems.push(`structure: ${count(/<main\b/g)} <main> elements, not 1`);
  if (count(/<footer\b/g) !== 1) problems.push(`structure: ${count(/<footer\b/g)} <footer> elements, not 1`);
  const headings = [...html.matchAll(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) =>
    m[2]!.replace(/<[^>]*>/g, '').trim(),
  );
  for (const h of headings.filter((h, i) => headings.indexOf(h) !== i))
    problems.push(`structure: heading "${h}" twice`);
  for (const m of html.matchAll(/<[a-z][^>]*\s[\w-]+="[^"]*<[^"]*"/g))
    problems.push(`structure: an attribute holds "<": ${m[0].slice(0, 80)}`);
  return problems;
}
