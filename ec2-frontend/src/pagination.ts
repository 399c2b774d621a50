/**
 * Paging through the list with the API's opaque cursors: the page's own cursor, and the trail
 * of cursors of the pages before it, so Previous works without server state.
 */

import { CURSOR_PATTERN } from '../../lambdas/shared/contract';

/** First-page marker in the trail of earlier cursors (a real cursor is base64url JSON). */
const START = 'start';
const MAX_TRAIL = 20;

export interface PageNav {
  readonly pageNumber: number;
  readonly prevHref?: string;
  readonly nextHref?: string;
}

export function cursorOf(raw: unknown): string | undefined {
  return typeof raw === 'string' && CURSOR_PATTERN.test(raw) ? raw : undefined;
}

export function trailOf(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw === '') return [];
  return raw
    .split('.')
    .filter((c) => c === START || CURSOR_PATTERN.test(c))
    .slice(-MAX_TRAIL);
}

function href(cursor: string | undefined, trail: string[]): string {
  const q = new URLSearchParams();
  if (cursor) q.set('cursor', cursor);
  if (trail.length > 0) q.set('trail', trail.join('.'));
  const s = q.toString();
  return s ? `/?${s}#students` : '/#students';
}

/** Links to the pages before and after the one shown from `cursor`. */
export function pageNav(cursor: string | undefined, trail: string[], nextCursor: string | undefined): PageNav {
  const prevCursor = trail[trail.length - 1];
  return {
    pageNumber: trail.length + 1,
    ...(cursor ? { prevHref: href(prevCursor === START ? undefined : prevCursor, trail.slice(0, -1)) } : {}),
    ...(nextCursor ? { nextHref: href(nextCursor, [...trail, cursor ?? START].slice(-MAX_TRAIL)) } : {}),
  };
}
