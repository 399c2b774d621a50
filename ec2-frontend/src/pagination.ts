/**
 * Paging through the directory and searching it. What a page link must remember (the search, and
 * the API's position token, which holds a name and an email) travels sealed in one `list`
 * parameter: no name, email or search text is ever in a URL, a Referer or a load-balancer log.
 * Beside it, only the page number and the `you` flag, which reveal nothing.
 */
import type { Sealer } from './seal';

/** Pages the number is shown for; a deeper link (or a hand-edited one) just shows none. */
const MAX_PAGE = 1_000_000;
/** How long a page or search link stays valid: a day, so links do not become lasting identifiers. */
export const LIST_LINK_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** What a sealed `list` parameter holds. */
export interface ListState {
  readonly q?: string;
  readonly from?: string;
  readonly before?: string;
}

export interface ListQuery extends ListState {
  /** The page's number in the whole order or search, when the link knows it. */
  readonly page?: number;
  /** The page was opened from a signup's confirmation: its first student is the one who signed up. */
  readonly you: boolean;
  /** The `list` parameter did not open: edited, forged, from another key, or expired. */
  readonly badLink?: true;
}

export interface PageNav {
  readonly pageNumber?: number;
  readonly prevHref?: string;
  readonly nextHref?: string;
}

function stateOf(payload: unknown): ListState | undefined {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (!['q', 'from', 'before'].includes(name) || typeof value !== 'string') return undefined;
    out[name] = value;
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
  const page = typeof query.page === 'string' && /^\d{1,7}$/.test(query.page) ? Number(query.page) : undefined;
  const start = !state.from && !state.before;
  return {
    ...state,
    // The first page is page 1 whatever the link says.
    ...(start ? { page: 1 } : page && page >= 1 && page <= MAX_PAGE ? { page } : {}),
    you: query.you === '1' && Boolean(state.from),
  };
}

/** A link to a page of the list (or of a search), to the list's heading. */
export function listHref(params: ListState & { page?: number; you?: boolean }, sealer: Sealer): string {
  const q = new URLSearchParams();
  const state: Record<string, string> = {};
  for (const name of ['q', 'from', 'before'] as const) if (params[name]) state[name] = params[name] as string;
  if (Object.keys(state).length > 0) q.set('list', sealer.seal('list', state));
  if (params.page) q.set('page', String(params.page));
  if (params.you) q.set('you', '1');
  const s = q.toString();
  return s ? `/?${s}#students` : '/#students';
}

/** Links to the pages before and after this one. */
export function pageNav(query: ListQuery, tokens: { next?: string; prev?: string }, sealer: Sealer): PageNav {
  const n = query.page;
  const prevPage = n && n > 1 ? n - 1 : undefined;
  const href = (p: ListState & { page?: number }) => listHref(p, sealer);
  return {
    ...(n ? { pageNumber: n } : {}),
    ...(tokens.prev
      ? {
          // Page 2's previous page is the first page: link it as the first page.
          prevHref: prevPage === 1 ? href({ q: query.q }) : href({ before: tokens.prev, q: query.q, page: prevPage }),
        }
      : {}),
    ...(tokens.next ? { nextHref: href({ from: tokens.next, q: query.q, page: n ? n + 1 : undefined }) } : {}),
  };
}
