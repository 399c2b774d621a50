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
