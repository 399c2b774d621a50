/**
 * Paging through the directory with the API's position tokens: `from` (this page starts at a
 * student) and `before` (this page ends before one). Links carry a token, the search and a page
 * number, nothing else: bounded, and no email in any URL.
 */
import { POSITION_PATTERN } from '../../lambdas/shared/directory';

/** Pages the number is shown for; a deeper link (or a hand-edited one) just shows none. */
const MAX_PAGE = 1_000_000;

export interface ListQuery {
  readonly from?: string;
  readonly before?: string;
  /** The search text, as typed. */
  readonly q?: string;
  /** The page's number in the whole order or search, when the link knows it. */
  readonly page?: number;
  /** The page was opened from a signup's confirmation: its first student is the one who signed up. */
  readonly you: boolean;
}

export interface PageNav {
  readonly pageNumber?: number;
  readonly prevHref?: string;
  readonly nextHref?: string;
}

function token(raw: unknown): string | undefined {
  return typeof raw === 'string' && POSITION_PATTERN.test(raw) ? raw : undefined;
}

export function listQueryOf(query: Record<string, unknown>): ListQuery {
  const from = token(query.from);
  const before = from ? undefined : token(query.before);
  const q = typeof query.q === 'string' && query.q.trim() !== '' ? query.q : undefined;
  const page = typeof query.page === 'string' && /^\d{1,7}$/.test(query.page) ? Number(query.page) : undefined;
  const start = !from && !before;
  return {
    ...(from ? { from } : {}),
    ...(before ? { before } : {}),
    ...(q ? { q } : {}),
    // The first page is page 1 whatever the link says.
    ...(start ? { page: 1 } : page && page >= 1 && page <= MAX_PAGE ? { page } : {}),
    you: query.you === '1' && Boolean(from),
  };
}

/** A link to a page of the list (or of a search), to the list's heading. */
export function listHref(params: { from?: string; before?: string; q?: string; page?: number; you?: boolean }): string {
  const q = new URLSearchParams();
  if (params.q) q.set('q', params.q);
  if (params.from) q.set('from', params.from);
  if (params.before) q.set('before', params.before);
  if (params.page) q.set('page', String(params.page));
  if (params.you) q.set('you', '1');
  const s = q.toString();
  return s ? `/?${s}#students` : '/#students';
}

/** Links to the pages before and after this one. */
export function pageNav(query: ListQuery, tokens: { next?: string; prev?: string }): PageNav {
  const n = query.page;
  const prevPage = n && n > 1 ? n - 1 : undefined;
  return {
    ...(n ? { pageNumber: n } : {}),
    ...(tokens.prev
      ? {
          // Page 2's previous page is the first page: link it as the first page.
          prevHref:
            prevPage === 1 ? listHref({ q: query.q }) : listHref({ before: tokens.prev, q: query.q, page: prevPage }),
        }
      : {}),
    ...(tokens.next ? { nextHref: listHref({ from: tokens.next, q: query.q, page: n ? n + 1 : undefined }) } : {}),
  };
}
