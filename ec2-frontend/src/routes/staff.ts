/**
 * The staff pages (`/staff`): the whole directory, every field, searchable by name or whole email,
 * for a staff member the load balancer signed in (verified: staff-identity.ts). Anyone else gets
 * 403: the load balancer lets only signed-in staff through to these paths, so a request without a
 * valid token did not come through it, or its sign-in expired. Nothing here is ever cached, and
 * sign-out expires the load balancer's session cookies before the identity provider's logout.
 */
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import { log } from '../../../core/log';
import { ALB_IDENTITY_HEADERS, ALB_SESSION_COOKIES, STAFF_PATH } from '../../../core/staff-sign-in';
import type { StudentsApi } from '../api-client';
import type { FrontendConfig } from '../config';
import { takeFailure } from '../form-state';
import { homeModel, SERVICE_NAME } from '../home-page';
import { sameOrigin } from '../middleware/same-origin';
import { listQueryOf } from '../pagination';
import type { Sealer } from '../seal';
import { searchPost } from '../search-post';
import { type Staff, StaffIdentity } from '../staff-identity';

/** How long a removal link, and its confirmation, stay valid. */
const REMOVAL_MAX_AGE_MS = 10 * 60 * 1000;

/** The student a sealed removal link names, or undefined when it does not open. */
function removalOf(
  sealer: Sealer,
  token: unknown,
  purpose: 'remove' | 'removed' = 'remove',
): { name: string; email: string } | undefined {
  if (typeof token !== 'string') return undefined;
  const opened = sealer.open(purpose, token, REMOVAL_MAX_AGE_MS) as { name?: unknown; email?: unknown } | undefined;
  return typeof opened?.name === 'string' && typeof opened.email === 'string'
    ? { name: opened.name, email: opened.email }
    : undefined;
}

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
    for (const name of ALB_SESSION_COOKIES)
      res.cookie(name, '', { expires: new Date(0), path: '/', httpOnly: true, secure: req.secure, sameSite: 'lax' });
    res.redirect(303, settings.signOutUrl);
  });

  router.use(STAFF_PATH, async (req: Request, res: Response, next: NextFunction) => {
    const staff = await identity.verify(req.get(ALB_IDENTITY_HEADERS.data));
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
      removeHrefOf: (s) => `${STAFF_PATH}/remove?r=${sealer.seal('remove', { name: s.name, email: s.email })}`,
    });
    const staff = res.locals.staff as Staff;
    res.status(model.status).render('staff', {
      ...model,
      title: model.title.replace(/^Sign up, or find a student/, 'Students (staff)'),
      staff: staff.name ?? staff.email ?? staff.subject,
      signOutHref: `${STAFF_PATH}/sign-out`,
      base: STAFF_PATH,
    });
  });

  const removalPage = (res: Response, status: number, locals: Record<string, unknown>) =>
    res.status(status).render('staff-remove', {
      title: `${locals.step === 'done' ? 'Registration removed' : 'Remove a registration'} – ${SERVICE_NAME}`,
      base: STAFF_PATH,
      ...locals,
    });
  const expired = (res: Response) =>
    res.status(400).render('error', {
      title: `Link expired – ${SERVICE_NAME}`,
      heading: 'That removal link has expired or was changed',
      status: 400,
      message: 'Open the student directory again and choose Remove beside the student.',
    });

  router.get(`${STAFF_PATH}/remove`, (req, res) => {
    const who = removalOf(sealer, req.query.r);
    if (!who) return expired(res);
    return removalPage(res, 200, { step: 'confirm', ...who, token: req.query.r });
  });

  router.post(
    `${STAFF_PATH}/remove`,
    sameOrigin(),
    express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 }),
    async (req, res) => {
      const token = (req.body as Record<string, unknown>)?.r;
      const who = removalOf(sealer, token);
      if (!who) return expired(res);
      const staff = res.locals.staff as Staff;
      const outcome = await api.remove(who.email, staff.email ?? staff.subject, res.locals.requestId);
      log('info', 'staff removal', { requestId: res.locals.requestId, outcome: outcome.kind });
      if (outcome.kind === 'failed')
        return removalPage(res, 502, {
          step: 'confirm',
          ...who,
          token,
          failure: 'The registry did not confirm the removal. Nothing may have changed: try again in a moment.',
        });
      // Removed now, or by someone else before: either way it is gone.
      return res.redirect(303, `${STAFF_PATH}/removed?r=${sealer.seal('removed', { name: who.name, email: '' })}`);
    },
  );

  router.get(`${STAFF_PATH}/removed`, (req, res) => {
    const who = removalOf(sealer, req.query.r, 'removed');
    if (!who) return res.redirect(303, `${STAFF_PATH}#students`);
    return removalPage(res, 200, { step: 'done', name: who.name });
  });

  router.post(`${STAFF_PATH}/search`, ...searchPost(STAFF_PATH, 'full', sealer));
  return router;
}
