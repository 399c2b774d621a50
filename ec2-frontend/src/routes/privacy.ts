/**
 * The privacy notice (`/privacy`): what the portal collects, why, who sees it in the mode this
 * portal runs in, how long it is kept and how to have it removed. Linked from the form and from
 * every page's footer.
 */
import { Router } from 'express';
import type { FrontendConfig } from '../config';
import { publicView } from '../directory-view';
import { SERVICE_NAME } from '../home-page';

export function privacyRoutes(config: FrontendConfig): Router {
  const router = Router();
  const view = publicView(config.directory);
  router.get('/privacy', (_req, res) => {
    res.set('Cache-Control', 'no-cache').render('privacy', { title: `Privacy notice – ${SERVICE_NAME}`, view });
  });
  return router;
}
