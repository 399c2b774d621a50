/**
 * Health checks: `/healthz` for liveness (the load balancer's), `/readyz` for whether the API
 * answers.
 */
import { Router } from 'express';
import type { StudentsApi } from '../api-client';

/**
 * `/healthz`: liveness, for the load balancer; it never calls the API, so an API outage does not
 * cycle healthy instances. `/readyz`: the API answers.
 */
export function healthRoutes(api: StudentsApi): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await api.list({ limit: 1 }, res.locals.requestId);
      res.set('Cache-Control', 'no-store').json({ status: 'ready' });
    } catch (err) {
      res
        .status(503)
        .set('Cache-Control', 'no-store')
        .json({ status: 'api-unavailable', reason: (err as Error).message });
    }
  });
  return router;
}
