/**
 * The search form's POST, for the public directory and the staff one: a search is posted, then
 * redirected to a sealed link, so the text (an email, perhaps) is never in a URL; a search the
 * view refuses, or that is not valid, goes back with its message.
 */
import express, { type RequestHandler } from 'express';
import { MAX_SEARCH_LENGTH, parseSearch } from '../../core/directory';
import { searchRefusal, type View } from './directory-view';
import { redirectWithFailure } from './form-state';
import { sameOrigin } from './middleware/same-origin';
import { type DirectoryBase, listHref } from './pagination';
import type { Sealer } from './seal';

export function searchPost(base: DirectoryBase, view: View, sealer: Sealer): RequestHandler[] {
  return [
    sameOrigin(),
    express.urlencoded({ extended: false, limit: '2kb', parameterLimit: 5 }),
    (req, res) => {
      const raw = (req.body as Record<string, unknown>)?.q;
      const q = typeof raw === 'string' ? raw : '';
      // Nothing of the directory is shown in this view: back to the form.
      if (view === 'none') return res.redirect(303, base);
      if (q.trim() === '') return res.redirect(303, `${base}#students`);
      const search = searchRefusal(q, view) ?? parseSearch(q);
      if (typeof search === 'string')
        return redirectWithFailure(
          req,
          res,
          { kind: 'search', q: q.slice(0, MAX_SEARCH_LENGTH + 1), error: search },
          base,
          sealer,
        );
      return res.redirect(303, listHref({ q }, sealer, base));
    },
  ];
}
