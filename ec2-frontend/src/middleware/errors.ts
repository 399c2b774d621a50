/**
 * The answers to what no route handled: a 404 page for an unknown path, and for a thrown error a
 * page (413, 4xx or 500) that never shows a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { log } from '../../../core/log';
import { SERVICE_NAME } from '../home-page';

/** Any path no route answered. */
export function notFound(): RequestHandler {
  return (_req, res) => {
    res.status(404).render('error', {
      title: `Page not found – ${SERVICE_NAME}`,
      heading: 'Page not found',
      status: 404,
      message: 'There is no page at this address.',
    });
  };
}

/** Errors a handler threw or rejected with (Express 5 forwards both): a page, never a stack trace. */
export function errorPage(): ErrorRequestHandler {
  return (err: Error & { status?: number; type?: string }, _req, res, _next) => {
    const status =
      err.type === 'entity.too.large' ? 413 : err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    log(status >= 500 ? 'error' : 'warn', 'request failed', {
      requestId: res.locals.requestId,
      errorName: err.name,
      status,
    });
    if (status >= 500) log('error', 'stack', { requestId: res.locals.requestId, stack: err.stack });
    const message =
      status === 413
        ? 'That form was too large.'
        : status < 500
          ? 'The request could not be understood.'
          : 'Something went wrong on our side. Please try again.';
    const heading =
      status >= 500 ? 'Sorry, there is a problem with the service' : status === 413 ? 'Form too large' : 'Bad request';
    const title = `${heading} – ${SERVICE_NAME}`;
    res
      .status(status)
      .render('error', { title, heading, status, message }, (renderErr: Error | null, html?: string) => {
        // Even a broken template must not leak a stack trace.
        if (renderErr) res.type('text/plain').send(message);
        else res.send(html);
      });
  };
}
