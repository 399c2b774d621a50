/**
 * The portal's pages: the home page (the signup form and the directory), the signup and search
 * posts, and the confirmation.
 */
import express, { Router } from 'express';
import { encodePosition, positionOf } from '../../../core/directory';
import { log } from '../../../core/log';
import { type FieldError, STUDENT_FIELDS, type StudentField, validateStudent } from '../../../core/student';
import type { StudentsApi } from '../api-client';
import type { FrontendConfig } from '../config';
import { CONFIRMATION_PATH, readConfirmation, setConfirmation } from '../confirmation';
import { publicView } from '../directory-view';
import { type FailedSignup, redirectWithFailure, takeFailure } from '../form-state';
import { homeModel, SERVICE_NAME } from '../home-page';
import { sameOrigin } from '../middleware/same-origin';
import { listHref, listQueryOf } from '../pagination';
import type { Sealer } from '../seal';
import { searchPost } from '../search-post';

type FieldErrors = Partial<Record<StudentField, string>>;

function toFieldErrors(errors: readonly FieldError[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors)
    if ((STUDENT_FIELDS as readonly string[]).includes(e.field)) out[e.field as StudentField] ??= e.message;
  return out;
}

/** Where a failed signup or search goes back to: the home page, whose error summary takes the focus. */
const BACK_TO_FORM = '/';

/**
 * The home page (the form, and a page of the directory or a search), the form's POST, the search's
 * POST, and the confirmation. Both forms are post/redirect/get, success or not.
 */
export function studentRoutes(api: StudentsApi, config: FrontendConfig, sealer: Sealer): Router {
  const router = Router();
  const view = publicView(config.directory);

  router.get('/', async (req, res) => {
    const model = await homeModel(api, sealer, {
      query: listQueryOf(req.query as Record<string, unknown>, sealer),
      failed: takeFailure(req, res, sealer),
      who: readConfirmation(req, sealer),
      pageSize: config.pageSize,
      requestId: res.locals.requestId,
      view,
    });
    res.status(model.status).set('Cache-Control', 'no-store').set('Vary', 'Cookie').render('index', model);
  });

  // A search is posted, then redirected to a sealed link: the text (an email, perhaps) is never in a URL.
  router.post('/search', ...searchPost('/', view, sealer));

  router.get(CONFIRMATION_PATH, (req, res) => {
    const who = readConfirmation(req, sealer);
    const placeHref =
      who && view !== 'none'
        ? listHref({ from: encodePosition(positionOf(who)), you: true }, sealer).replace(/#students$/, '#you')
        : undefined;
    res
      .set('Cache-Control', 'no-store')
      .set('Vary', 'Cookie')
      .render('registered', {
        title: `${who ? 'Registration complete' : 'Registration'} – ${SERVICE_NAME}`,
        who,
        placeHref,
        view,
      });
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
      const failed = (f: Omit<FailedSignup, 'kind' | 'values'>) =>
        redirectWithFailure(req, res, { kind: 'signup', values, ...f }, BACK_TO_FORM, sealer);
      const checked = validateStudent(values);
      if (!checked.ok) return failed({ fieldErrors: toFieldErrors(checked.errors) });
      const outcome = await api.signup(checked.student, res.locals.requestId);
      switch (outcome.kind) {
        case 'ok':
          setConfirmation(req, res, checked.student, sealer);
          return res.redirect(303, CONFIRMATION_PATH);
        case 'duplicate':
          return failed({
            fieldErrors: {
              email:
                'This email address is already registered with other details. Use another email address, or search the list for it to see the registration.',
            },
            formError:
              'To change a registration, contact the registry office. To register someone else, use their own email address.',
          });
        case 'invalid':
          return failed({
            fieldErrors: toFieldErrors(outcome.errors),
            ...(outcome.errors.length > 0 ? {} : { formError: outcome.message }),
          });
        case 'not-sent':
          log('warn', 'signup not sent', { requestId: res.locals.requestId, reason: outcome.reason });
          return failed({ fieldErrors: {}, service: 'not-saved' });
        case 'unknown':
          log('warn', 'signup outcome unknown', { requestId: res.locals.requestId, reason: outcome.reason });
          // The signup may have been stored. A repeat of the same details is answered as a success
          // and never stored twice, so the honest next step is to submit again.
          return failed({ fieldErrors: {}, service: 'unknown' });
      }
    },
  );

  return router;
}
