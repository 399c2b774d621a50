/**
 * Paging through the directory and searching it. What a page link must remember (the search, the
 * API's position token, which holds a name and an email, and the page's number) travels sealed in
 * one `list` parameter: no name, email or search text is ever in a URL, a Referer or a
 * load-balancer log, and a page number cannot be edited into a lie (`?page=500`). Beside it, only
 * the `you` flag, which reveals nothing: the row it points to is marked only in the browser that
 * holds the signup's confirmation.
 */
import { encodePosition, END_POSITION } from '../../core/directory';
import type { STAFF_PATH } from '../../core/staff-sign-in';
import type { Sealer } from './seal';

/** How long a page or search link stays valid: a day, so links do not become lasting identifiers. */
export const LIST_LINK_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** The token of the position after every student: the last page ends before it. */
export const END_TOKEN = encodePosition(END_POSITION);

/** What a sealed `list` parameter holds. */
export interface ListState {
  readonly q?: string;
  readonly from?: string;
  readonly before?: string;
  /** The page's number counted from the first page, when the link was made knowing it. */
  readonly page?: number;
}

export interface ListQuery extends ListState {
  /** The link came from a signup's confirmation ("See your place in the list"). */
  readonly you: boolean;
  /** The `list` parameter did not open: edited, forged, from another key, or expired. */
  readonly badLink?: true;
}

/** One entry of the numbered pagination: a page's link, the current page, or an ellipsis. */
export type PageItem =
  | { readonly kind: 'page'; readonly number: number; readonly href: string; readonly current?: true }
  | { readonly kind: 'last'; readonly number?: number; readonly href: string }
  | { readonly kind: 'ellipsis' };

export interface PageNav {
  /** The page's number, when it is known (counted from the first page). */
  readonly pageNumber?: number;
  /** The last page, reached from its link. */
  readonly isLast?: true;
  readonly prevHref?: string;
  readonly nextHref?: string;
  /** GOV.UK's pattern: the first page, the current one and its neighbours, the last, ellipses between. */
  readonly items: readonly PageItem[];
}

function stateOf(payload: unknown): ListState | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const out: { q?: string; from?: string; before?: string; page?: number } = {};
  for (const [name, value] of Object.entries(payload)) {
    if (name === 'page' && Number.isSafeInteger(value) && (value as number) >= 1) out.page = value as number;
    else if (['q', 'from', 'before'].includes(name) && typeof value === 'string')
      out[name as 'q' | 'from' | 'before'] = value;
    else return undefined;
  }
  return out.from !== undefined && out.before !== undefined ? undefined : out;
}

export function listQueryOf(query: Record<string, unknown>, sealer: Sealer): ListQuery {
  let state: ListState = {};
  if (query.list !== undefined) {
    const opened =
      typeof query.list === 'string' ? stateOf(sealer.open('list', query.list, LIST_LINK_MAX_AGE_MS)) : undefined;
    if (!opened) return { you: false, page: 1, badLink: true };
    state = opened;
  }
  const start = !state.from && !state.before;
  // The first page is page 1 whatever the link says.
  return { ...state, ...(start ? { page: 1 } : {}), you: query.you === '1' && Boolean(state.from) };
}

/** Where a directory is served: the public page, or the staff page. */
export type DirectoryBase = '/' | typeof STAFF_PATH;

/** A link to a page of the list (or of a search), to the list's heading. */
export function listHref(params: ListState & { you?: boolean }, sealer: Sealer, base: DirectoryBase = '/'): string {
  const q = new URLSearchParams();
  const state: Record<string, string | number> = {};
  for (const name of ['q', 'from', 'before'] as const) if (params[name]) state[name] = params[name] as string;
  if (params.page && (state.from || state.before)) state.page = params.page;
  if (Object.keys(state).length > 0) q.set('list', sealer.seal('list', state));
  if (params.you) q.set('you', '1');
  const s = q.toString();
  return s ? `${base}?${s}#students` : `${base}#students`;
}

/**
 * Links to the pages around this one. `lastPage` is the estimated number of pages (the whole list
 * only: a search has no estimate), used to number the link to the last page.
 */
export function pageNav(
  query: ListQuery,
  tokens: { next?: string; prev?: string },
  sealer: Sealer,
  lastPage?: number,
  base: DirectoryBase = '/',
): PageNav {
  const isLast = query.before === END_TOKEN;
  const n = isLast ? undefined : query.page;
  const href = (p: ListState) => listHref(p, sealer, base);
  const first = href({ q: query.q });
  // Page 2's previous page is the first page (and so is page 1's, when it was reached by a
  // student's place rather than from the start): link it as the first page.
  const prevHref = tokens.prev
    ? n !== undefined && n <= 2
      ? first
      : href({ before: tokens.prev, q: query.q, page: n ? n - 1 : undefined })
    : undefined;
  const nextHref =
    tokens.next && !isLast ? href({ from: tokens.next, q: query.q, page: n ? n + 1 : undefined }) : undefined;
  // The last page is read backwards from the end: only for the whole list, whose end is known.
  const lastHref = query.q === undefined && nextHref ? href({ before: END_TOKEN }) : undefined;
  const items: PageItem[] = [];
  if (n !== undefined) {
    items.push(
      n === 1 ? { kind: 'page', number: 1, href: first, current: true } : { kind: 'page', number: 1, href: first },
    );
    if (n > 3) items.push({ kind: 'ellipsis' });
    if (n > 2 && prevHref) items.push({ kind: 'page', number: n - 1, href: prevHref });
    if (n > 1) items.push({ kind: 'page', number: n, href: href({ ...query }), current: true });
    const nextIsLast = lastPage !== undefined && n + 1 >= lastPage;
    if (nextHref && !nextIsLast) items.push({ kind: 'page', number: n + 1, href: nextHref });
    if (lastHref && (lastPage === undefined || n + 2 < lastPage)) items.push({ kind: 'ellipsis' });
  } else if (prevHref) {
    items.push({ kind: 'page', number: 1, href: first }, { kind: 'ellipsis' });
  }
  if (lastHref)
    items.push({ kind: 'last', ...(lastPage && lastPage > (n ?? 0) ? { number: lastPage } : {}), href: lastHref });
  return {
    ...(n !== undefined ? { pageNumber: n } : {}),
    ...(isLast ? { isLast: true as const } : {}),
    ...(prevHref ? { prevHref } : {}),
    ...(nextHref ? { nextHref } : {}),
    items,
  };
}
