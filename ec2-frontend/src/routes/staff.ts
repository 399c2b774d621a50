/**
 * The staff pages (`/staff`): the whole directory, every field, searchable by name or whole email,
 * for a staff member the load balancer signed in (verified: staff-identity.ts). Anyone else gets
 * 403: the load balancer lets only signed-in staff through to these paths, so a request without a
 * valid token did not come through it, or its sign-in expired. Nothing here is ever cached, and
 * sign-out expires the load balancer's session cookies before the identity provider's logout.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { MAX_SEARCH_LENGTH, parseSearch } from '../../../core/directory';
import type { StudentsApi } from '../api-client';
import type { FrontendConfig } from '../config';
import { redirectWithFailure, takeFailure } from '../form-state';
import { homeModel, SERVICE_NAME } from '../home-page';
import { sameOrigin } from '../middleware/same-origin';
import { listHref, listQueryOf } from '../pagination';
import type { Sealer } from '../seal';
import { type Staff, StaffIdentity } from '../staff-identity';

export const STAFF_PATH = '/staff';
/** The load balancer keeps its session in up to four cookies of this name and an index. */
const SESSION_COOKIES = [0, 1, 2, 3].map((i) => `AWSELBAuthSessionCookie-${i}`);

export function staffRoutes(api: StudentsApi, config: FrontendConfig, sealer: Sealer): Router {
  const router = Router();
  const settings = config.staff;
  if (!settings) return router;
  const identity = new StaffIdentity({ signerArn: settings.signerArn, keysUrl: settings.keysUrl });

  router.use(STAFF_PATH, (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  // Before the check: a sign-out must work for a sign-in that has just expired.
  router.get(`${STAFF_PATH}/sign-out`, (req, res) => {
    for (const name of SESSION_COOKIES)
      res.cookie(name, '', { expires: new Date(0), path: '/', httpOnly: true, secure: req.secure, sameSite: 'lax' });
    res.redirect(303, settings.signOutUrl);
  });

  router.use(STAFF_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const staff = await identity.verify(req.get('x-amzn-oidc-data'));
    if (!staff)
      return res.status(403).render('error', {
        title: `Staff sign-in required – ${SERVICE_NAME}`,
        heading: 'Staff sign-in required',
        status: 403,
        message: 'This page is for school staff, who reach it through the school’s sign-in. Sign in again to see it.',
      });
    res.locals.staff = staff;
    next();
  });

  router.get(STAFF_PATH, async (req, res) => {
    const failed = takeFailure(req, res, sealer);
    const model = await homeModel(api, sealer, {
      query: listQueryOf(req.query as Record<string, unknown>, sealer),
      ...(failed?.kind === 'search' ? { failed } : {}),
      pageSize: config.pageSize,
      requestId: res.locals.requestId,
      view: 'full',
      base: STAFF_PATH,
    });
    const staff = res.locals.staff as Staff;
    res.status(model.status).render('staff', {
      ...model,
      title: model.title.replace(/^Sign up, or find a student/, 'Students (staff)'),
      staff: staff.name ?? staff.email ?? staff.subject,
      signOutHref: `${STAFF_PATH}/sign-out`,
    });
  });

  router.post(
    `${STAFF_PATH}/search`,
    sameOrigin(),
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }),
    (req, res) => {
      const raw = (req.body as Record<string, unknown>)?.q;
      const q = typeof raw === 'string' ? raw : '';
      if (q.trim() === '') return res.redirect(303, `${STAFF_PATH}#students`);
      const search = parseSearch(q);
      if (typeof search === 'string')
        return redirectWithFailure(
          req,
          res,
          { kind: 'search', q: q.slice(0, MAX_SEARCH_LENGTH + 1), error: search },
          STAFF_PATH,
          sealer,
        );
      return res.redirect(303, listHref({ q }, sealer, STAFF_PATH));
    },
  );
  return router;
}
