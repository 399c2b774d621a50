/**
 * Cross-site request forgery refused: a form post must come from the portal's own pages.
 */
import type { RequestHandler } from 'express';
import { log } from '../../../core/log';
import { SERVICE_NAME } from '../home-page';

/**
 * Refuses a form post that another site made the browser send (cross-site request forgery):
 * `Sec-Fetch-Site: cross-site`, or an `Origin` that is not this site's. Browsers send one or
 * both with every form post; a client that sends neither (curl, a script) is not a browser
 * being tricked, and passes.
 */
export function sameOrigin(): RequestHandler {
  return (req, res, next) => {
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    // Sec-Fetch-Site is the browser's own verdict; Origin is the fallback for browsers without it.
    // An opaque origin ("null") is only suspicious when the browser does not vouch for the site.
    let foreign = site === 'cross-site';
    if (!foreign && origin !== undefined && !(origin === 'null' && (site === 'same-origin' || site === 'none'))) {
      try {
        foreign = origin === 'null' || new URL(origin).host !== req.get('host');
      } catch {
        foreign = true;
      }
    }
    if (!foreign) return next();
    log('warn', 'cross-site post refused', { requestId: res.locals.requestId, site, origin });
    res.status(403).render('error', {
      title: `Not allowed – ${SERVICE_NAME}`,
      heading: 'Not allowed',
      status: 403,
      message: 'This form can only be sent from the portal itself. Open the portal and sign up there.',
    });
  };
}
