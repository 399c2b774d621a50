import express, { type Request, type Response, Router } from 'express';
import { encodePosition, parseSearch, positionOf } from '../../../core/directory';
import { log } from '../../../core/log';
import { type FieldError, STUDENT_FIELDS, type StudentField, validateStudent } from '../../../core/student';
import type { DirectoryPage, StudentsApi } from '../api-client';
import type { FrontendConfig } from '../config';
import type { Sealer } from '../seal';
import { CONFIRMATION_PATH, readConfirmation, setConfirmation } from '../confirmation';
import { sameOrigin } from '../middleware/same-origin';
import { type ListQuery, listHref, listQueryOf, type PageNav, pageNav } from '../pagination';

type FieldErrors = Partial<Record<StudentField, string>>;

interface FormModel {
  values: Partial<Record<StudentField, string>>;
  fieldErrors: FieldErrors;
  formError?: string;
}

type ListState =
  | { state: 'ok'; page: DirectoryPage }
  | { state: 'unavailable' }
  | { state: 'refused'; message: string }
  | { state: 'search-error'; message: string }
  /** The name order is being prepared: the first page of the unordered list, or nothing for a search. */
  | { state: 'unordered'; page: DirectoryPage }
  | { state: 'not-ready' }
  | { state: 'not-loaded' };

function toFieldErrors(errors: readonly FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors)
    if ((STUDENT_FIELDS as readonly string[]).includes(e.field)) out[e.field as StudentField] ??= e.message;
  return out;
}

/** The home page (the form, and a page of the directory or a search), the form's POST, and the confirmation. */
export function studentRoutes(api: StudentsApi, config: FrontendConfig, sealer: Sealer): Router {
  const router = Router();

  async function readList(query: ListQuery, requestId: string): Promise<ListState> {
    if (query.badLink)
      return { state: 'refused', message: 'That link is no longer valid: it has expired or was changed' };
    if (query.q !== undefined) {
      const search = parseSearch(query.q);
      if (typeof search === 'string') return { state: 'search-error', message: search };
    }
    try {
      const { q, from, before } = query;
      const page = await api.directory({ limit: config.pageSize, q, from, before }, requestId);
      if (page.notReady) {
        if (q !== undefined || from !== undefined || before !== undefined) return { state: 'not-ready' };
        const unordered = await api.list({ limit: config.pageSize }, requestId);
        return { state: 'unordered', page: { students: unordered.students } };
      }
      return page.refused ? { state: 'refused', message: page.refused } : { state: 'ok', page };
    } catch (err) {
      log('warn', 'student list unavailable', { requestId, reason: (err as Error).message });
      return { state: 'unavailable' };
    }
  }

  /** The page; `withList: false` answers without asking the API again (a signup just failed). */
  async function renderHome(
    req: Request,
    res: Response,
    status: number,
    form: FormModel,
    withList = true,
    searched?: string,
  ) {
    const query: ListQuery =
      searched !== undefined
        ? { q: searched, page: 1, you: false }
        : listQueryOf(req.method === 'GET' ? (req.query as Record<string, unknown>) : {}, sealer);
    const list: ListState = withList ? await readList(query, res.locals.requestId) : { state: 'not-loaded' };
    const page = list.state === 'ok' || list.state === 'unordered' ? list.page : undefined;
    const nav: PageNav = pageNav(query, { next: page?.next, prev: page?.prev }, sealer);
    const failed = Object.keys(form.fieldErrors).length > 0 || Boolean(form.formError) || list.state === 'search-error';
    const pages = page?.countEstimate ? Math.max(1, Math.ceil(page.countEstimate / config.pageSize)) : undefined;
    res
      .status(status === 200 && (list.state === 'search-error' || query.badLink) ? 400 : status)
      .set('Cache-Control', 'no-store')
      .render('index', {
        // GOV.UK: a page that answers a failed submission says so first, in its title.
        title: `${failed ? 'Error: ' : ''}Student Registration Portal`,
        list,
        nav,
        query,
        pages: query.q === undefined ? pages : undefined,
        ...form,
        formError: form.formError ?? '',
      });
  }

  router.get('/', (req, res) => renderHome(req, res, 200, { values: {}, fieldErrors: {} }));

  // A search is posted, then redirected to a sealed link: the text (an email, perhaps) is never in a URL.
  router.post(
    '/search',
    sameOrigin(),
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }),
    (req, res) => {
      const raw = (req.body as Record<string, unknown>)?.q;
      const q = typeof raw === 'string' ? raw : '';
      if (q.trim() === '') return res.redirect(303, '/#students');
      const search = parseSearch(q);
      if (typeof search === 'string') return renderHome(req, res, 400, { values: {}, fieldErrors: {} }, true, q);
      return res.redirect(303, listHref({ q }, sealer));
    },
  );

  router.get(CONFIRMATION_PATH, (req, res) => {
    const who = readConfirmation(req, sealer);
    const placeHref = who
      ? listHref({ from: encodePosition(positionOf(who)), you: true }, sealer).replace(/#students$/, '#you')
      : undefined;
    res
      .set('Cache-Control', 'no-store')
      .set('Vary', 'Cookie')
      .render('registered', { title: 'Registration complete: Student Registration Portal', who, placeHref });
  });

  router.post(
    '/students',
    sameOrigin(),
    express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }),
    async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(
        STUDENT_FIELDS.map((f) => [f, typeof body[f] === 'string' ? body[f] : '']),
      ) as Record<StudentField, string>;
      const checked = validateStudent(values);
      if (!checked.ok) return renderHome(req, res, 422, { values, fieldErrors: toFieldErrors(checked.errors) }, false);
      const outcome = await api.signup(checked.student, res.locals.requestId);
      // A failed signup answers at once: the list is not fetched again after the API failed or refused.
      switch (outcome.kind) {
        case 'ok':
          setConfirmation(req, res, checked.student, sealer);
          return res.redirect(303, CONFIRMATION_PATH);
        case 'duplicate':
          return renderHome(
            req,
            res,
            409,
            {
              values,
              fieldErrors: {
                email:
                  'This email address is already registered with other details. Use another email address, or search the list for it to see the registration.',
              },
              formError:
                'To change a registration, contact the registry office. To register someone else, use their own email address.',
            },
            false,
          );
        case 'invalid':
          return renderHome(
            req,
            res,
            422,
            {
              values,
              fieldErrors: toFieldErrors(outcome.errors),
              ...(outcome.errors.length > 0 ? {} : { formError: outcome.message }),
            },
            false,
          );
        case 'unknown':
          log('warn', 'signup outcome unknown', { requestId: res.locals.requestId, reason: outcome.reason });
          // The signup may have been stored. A repeat of the same details is answered as a success
          // and never stored twice, so the honest next step is to submit again.
          return renderHome(
            req,
            res,
            503,
            {
              values,
              fieldErrors: {},
              formError:
                'We could not confirm your signup: it may or may not have been saved. Submitting the form again is safe: if it was saved, you will see it confirmed, never doubled.',
            },
            false,
          );
      }
    },
  );

  return router;
}
