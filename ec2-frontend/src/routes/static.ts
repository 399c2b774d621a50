import express, { Router } from 'express';
import path from 'node:path';

/** The stylesheet and the icon, from the artifact's `public/`. */
export function staticRoutes(publicDir: string): Router {
  const router = Router();
  router.use('/static', express.static(publicDir, { index: false, maxAge: '1h', fallthrough: true }));
  router.get('/favicon.ico', (_req, res) => {
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'public, max-age=86400')
      .sendFile(path.join(publicDir, 'favicon.svg'));
  });
  return router;
}
