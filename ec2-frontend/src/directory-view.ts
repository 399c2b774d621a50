/**
 * What a visitor may see of the directory, by the mode it runs in (`STUDENTS_DIRECTORY`): every
 * field (`public`), names alone (`names`), or nothing (`staff`: the directory is for signed-in
 * staff). The rows a page renders are cut to the view here, before any template sees them, and a
 * search the view does not allow is refused with the same words whatever the directory holds.
 */
import type { DirectoryMode } from '../../core/contract';
import { parseSearch } from '../../core/directory';
import type { Student } from '../../core/student';

export type View = 'full' | 'names' | 'none';

/** The anonymous visitor's view in each mode. */
export function publicView(mode: DirectoryMode): View {
  return mode === 'public' ? 'full' : mode === 'names' ? 'names' : 'none';
}

/** One row of the directory as a page may show it: the name always, the rest when the view allows. */
export interface Row {
  readonly name: string;
  readonly age?: string;
  readonly email?: string;
  readonly country?: string;
  /** The student this browser registered (matched here, so no email need reach the page). */
  readonly mine: boolean;
  /** The staff page's link to remove the student (sealed), when the viewer may. */
  readonly removeHref?: string;
}

export function rowsFor(
  students: readonly Student[],
  view: View,
  youEmail?: string,
  removeHrefOf?: (student: Student) => string,
): Row[] {
  if (view === 'none') return [];
  return students.map((s) => {
    const mine = youEmail !== undefined && s.email === youEmail;
    const remove = removeHrefOf ? { removeHref: removeHrefOf(s) } : {};
    return view === 'full'
      ? { name: s.name, age: s.age, email: s.email, country: s.country, mine, ...remove }
      : { name: s.name, mine, ...remove };
  });
}

/** Searching by email would confirm whether an address is registered: only the full view allows it. */
export const NAME_SEARCH_ONLY = 'Search by name: this directory does not search email addresses';

/** Why this view refuses the search, if it does; the same answer whether or not the address is there. */
export function searchRefusal(q: string, view: View): string | undefined {
  if (view === 'full') return undefined;
  const search = parseSearch(q);
  return typeof search !== 'string' && search.kind === 'email' ? NAME_SEARCH_ONLY : undefined;
}
