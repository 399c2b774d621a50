import express, { type Request, type Response, Router } from 'express';
import { log } from '../../../lambdas/shared/log';
import {
  type FieldError,
  STUDENT_FIELDS,
  type Student,
  type StudentField,
  validateStudent,
} from '../../../lambdas/shared/student';
import type { StudentPage, StudentsApi } from '../api-client';
import type { FrontendConfig } from '../config';
import { sameOrigin } from '../middleware/same-origin';
import { cursorOf, type PageNav, pageNav, trailOf } from '../pagination';

type FieldErrors = Partial<Record<StudentField, string>>;

interface FormModel {
  values: Partial<Record<StudentField, string>>;
  fieldErrors: FieldErrors;
  formError?: string;
  notice?: string;
}

interface PageModel extends FormModel {
  title: string;
  list:
    | { state: 'ok'; page: StudentPage }
    | { state: 'unavailable' }
    | { state: 'invalid-cursor' }
    | { state: 'not-loaded' };
  nav: PageNav;
}

function toFieldErrors(errors: readonly FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors)
    if ((STUDENT_FIELDS as readonly string[]).includes(e.field)) out[e.field as StudentField] ??= e.message;
  return out;
}

// One collator for every request: localeCompare with options builds a new one per call.
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });
function byName(a: Student, b: Student): number {
  return NAME_ORDER.compare(a.name, b.name) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);
}

/** The home page (the form and a page of the list) and the form's POST. */
export function studentRoutes(api: StudentsApi, config: FrontendConfig): Router {
  const router = Router();

  /** The page; `withList: false` answers without asking the API again (after it just failed). */
  async function renderHome(
    req: Request,
    res: Response,
    status: number,
    form: FormModel,
    withList = true,
  ): Promise<void> {
    const cursor = cursorOf(req.query.cursor);
    const trail = cursor ? trailOf(req.query.trail) : [];
    let list: PageModel['list'] = { state: 'not-loaded' };
    if (withList)
      try {
        const page = await api.list({ limit: config.pageSize, cursor }, res.locals.requestId);
        list = page.invalidCursor
          ? { state: 'invalid-cursor' }
          : { state: 'ok', page: { ...page, students: [...page.students].sort(byName) } };
      } catch (err) {
        log('warn', 'student list unavailable', { requestId: res.locals.requestId, reason: (err as Error).message });
        list = { state: 'unavailable' };
      }
    const nav = pageNav(cursor, trail, list.state === 'ok' ? list.page.nextCursor : undefined);
    const failed = Object.keys(form.fieldErrors).length > 0 || Boolean(form.formError);
    const model: PageModel = {
      // GOV.UK: a page that answers a failed submission says so first, in its title.
      title: `${failed ? 'Error: ' : ''}Student Registration Portal`,
      list,
      nav,
      ...form,
      formError: form.formError ?? '',
      notice: form.notice ?? '',
    };
    res.status(status).set('Cache-Control', 'no-store').render('index', model);
  }

  router.get('/', async (req, res) => {
    const notice = req.query.registered === '1' ? 'Thank you: the student is registered.' : undefined;
    await renderHome(req, res, 200, { values: {}, fieldErrors: {}, notice });
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
      if (!checked.ok) {
        return renderHome(req, res, 422, { values, fieldErrors: toFieldErrors(checked.errors) });
      }
      const outcome = await api.signup(checked.student, res.locals.requestId);
      switch (outcome.kind) {
        case 'ok':
          return res.redirect(303, '/?registered=1');
        case 'duplicate':
          return renderHome(req, res, 409, {
            values,
            fieldErrors: { email: 'This email address is already registered with other details' },
            formError:
              'This email address is already registered with other details. Use another email address, or contact the registry office to change the registration.',
          });
        case 'invalid':
          return renderHome(req, res, 422, {
            values,
            fieldErrors: toFieldErrors(outcome.errors),
            formError: outcome.message,
          });
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
