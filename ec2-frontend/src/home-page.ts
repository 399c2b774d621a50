/**
 * The home page's model: the signup form (perhaps with the errors of a failed submission), a page
 * of the directory or of a search, its pagination, the row of the student this browser just
 * registered, and a title that says where the reader is.
 */
import { parseSearch } from '../../core/directory';
import { log } from '../../core/log';
import type { Student } from '../../core/student';
import type { DirectoryPage, StudentsApi } from './api-client';
import type { Confirmation } from './confirmation';
import { type Row, rowsFor, searchRefusal, type View } from './directory-view';
import type { FailedForm, FailedSignup } from './form-state';
import { type DirectoryBase, type ListQuery, type PageNav, pageNav } from './pagination';
import type { Sealer } from './seal';

/** The service's name, at the end of every title (GOV.UK's "Page – Service"). */
export const SERVICE_NAME = 'Student Registration Portal';

export type ListState =
  | { state: 'ok'; page: DirectoryPage }
  | { state: 'unavailable' }
  | { state: 'refused'; message: string }
  | { state: 'search-error'; message: string }
  /** The name order is being prepared: the first page of the unordered list, or nothing for a search. */
  | { state: 'unordered'; page: DirectoryPage }
  | { state: 'not-ready' }
  /** The directory is for signed-in staff: nothing of it is read. */
  | { state: 'private' };

export interface HomeModel {
  readonly title: string;
  readonly status: number;
  readonly list: ListState;
  readonly nav: PageNav;
  readonly query: ListQuery;
  /** Estimated pages of the whole list, when DynamoDB's count is known. */
  readonly pages?: number;
  /** What of the directory this visitor sees. */
  readonly view: View;
  /** The page's students, cut to the view. */
  readonly rows: Row[];
  readonly signup: FailedSignup;
}

async function readList(
  api: StudentsApi,
  query: ListQuery,
  pageSize: number,
  requestId: string,
  view: View,
): Promise<ListState> {
  if (view === 'none') return { state: 'private' };
  if (query.badLink)
    return { state: 'refused', message: 'That link is no longer valid: it has expired or was changed' };
  if (query.q !== undefined) {
    const search = parseSearch(query.q);
    if (typeof search === 'string') return { state: 'search-error', message: search };
    const refused = searchRefusal(query.q, view);
    if (refused) return { state: 'search-error', message: refused };
  }
  try {
    const { q, from, before } = query;
    // "Your place": its number follows from how many students come before it.
    const rank = query.you && from !== undefined && q === undefined && query.page === undefined;
    const page = await api.directory({ limit: pageSize, q, from, before, rank }, requestId);
    if (page.notReady) {
      if (q !== undefined || from !== undefined || before !== undefined) return { state: 'not-ready' };
      const unordered = await api.list({ limit: pageSize }, requestId);
      return { state: 'unordered', page: { students: unordered.students } };
    }
    return page.refused ? { state: 'refused', message: page.refused } : { state: 'ok', page };
  } catch (err) {
    log('warn', 'student list unavailable', { requestId, reason: (err as Error).message });
    return { state: 'unavailable' };
  }
}

function titleOf(model: Omit<HomeModel, 'title' | 'status'>, failed: FailedForm | undefined): string {
  const { query, nav, pages, list } = model;
  let where: string;
  if (failed?.kind === 'signup' && failed.service) where = 'Sorry, there is a problem with the service';
  else if (failed?.kind === 'signup') where = 'Error: Sign up';
  else if (list.state === 'private') where = 'Sign up';
  else if (list.state === 'search-error') where = 'Error: Find a student';
  else if (list.state === 'refused') where = 'Error: Students';
  else {
    const of = pages && query.q === undefined ? ` of about ${pages.toLocaleString('en')}` : '';
    const page = nav.isLast ? ', last page' : nav.pageNumber ? `, page ${nav.pageNumber}${of}` : '';
    if (query.q !== undefined) where = `Search results for “${query.q}”${page}`;
    else if (query.you) where = `Your place in the list${page}`;
    else if (nav.pageNumber === 1) where = 'Sign up, or find a student';
    else where = `Students${page}`;
  }
  return `${where} – ${SERVICE_NAME}`;
}

/** Everything the home page shows for this request. */
export async function homeModel(
  api: StudentsApi,
  sealer: Sealer,
  input: {
    query: ListQuery;
    failed?: FailedForm;
    who?: Confirmation;
    pageSize: number;
    requestId: string;
    view: View;
    /** Where the directory's links lead. @default '/' */
    base?: DirectoryBase;
    /** The link that removes a student, on the staff page. @default none */
    removeHrefOf?: (student: Student) => string;
  },
): Promise<HomeModel> {
  const { failed, pageSize, view } = input;
  let query: ListQuery = failed?.kind === 'search' ? { q: failed.q, page: 1, you: false } : input.query;
  const list: ListState =
    failed?.kind === 'search'
      ? { state: 'search-error', message: failed.error }
      : await readList(api, query, pageSize, input.requestId, view);
  const page = list.state === 'ok' || list.state === 'unordered' ? list.page : undefined;
  if (page?.rank !== undefined) query = { ...query, page: Math.floor(page.rank / pageSize) + 1 };
  const pages =
    page?.countEstimate && query.q === undefined ? Math.max(1, Math.ceil(page.countEstimate / pageSize)) : undefined;
  const nav = pageNav(query, { next: page?.next, prev: page?.prev }, sealer, pages, input.base);
  const signup: FailedSignup = failed?.kind === 'signup' ? failed : { kind: 'signup', values: {}, fieldErrors: {} };
  const rows = rowsFor(page?.students ?? [], view, input.who?.email, input.removeHrefOf);
  const model = { list, nav, query, pages, signup, view, rows };
  const status = list.state === 'refused' && query.badLink ? 400 : 200;
  return { ...model, title: titleOf(model, failed), status };
}
