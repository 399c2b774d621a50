/**
 * The presentation tier: server-rendered pages that work without JavaScript. The list and
 * the signups go through the API; the form is validated with the shared student model first.
 */
import ejs from 'ejs';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { log } from '../../lambdas/shared/log';
import { FIELD_LABELS, LIMITS, STUDENT_FIELDS, validateStudent, type Student, type StudentField } from '../../lambdas/shared/student';
import { StudentsApi, type StudentPage } from './api-client';
import type { FrontendConfig } from './config';

export interface AppOptions {
  /** Directory holding `views/` and `public/`. @default the directory of this module's package */
  readonly rootDir?: string;
}

type FieldErrors = Partial<Record<StudentField, string>>;

interface PageModel {
  title: string;
  values: Partial<Record<StudentField, string>>;
  fieldErrors: FieldErrors;
  formError?: string;
  notice?: string;
  list: { state: 'ok'; page: StudentPage } | { state: 'unavailable' } | { state: 'invalid-cursor' };
  nav: { prevHref?: string; nextHref?: string; pageNumber: number };
}

/** First-page marker in the trail of earlier cursors (a real cursor is base64url JSON). */
const START = 'start';
const MAX_TRAIL = 20;
const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1024}$/;

function trailOf(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw === '') return [];
  return raw.split('.').filter((c) => c === START || CURSOR_PATTERN.test(c)).slice(-MAX_TRAIL);
}

function href(cursor: string | undefined, trail: string[]): string {
  const q = new URLSearchParams();
  if (cursor) q.set('cursor', cursor);
  if (trail.length > 0) q.set('trail', trail.join('.'));
  const s = q.toString();
  return s ? `/?${s}#students` : '/#students';
}

function resolveRoot(options: AppOptions): string {
  if (options.rootDir) return options.rootDir;
  // Sources live in ec2-frontend/src; the bundle sits beside views/ and public/ in dist/frontend.
  return path.basename(__dirname) === 'src' ? path.resolve(__dirname, '..') : __dirname;
}

export function createApp(config: FrontendConfig, options: AppOptions = {}): express.Express {
  const root = resolveRoot(options);
  const api = new StudentsApi(config.apiEndpoint, config.apiTimeoutMs);
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.engine('ejs', ejs.renderFile as never);
  app.set('view engine', 'ejs');
  app.set('views', path.join(root, 'views'));
  // Compile each template once, in every environment: the artifact never changes under a running process.
  app.set('view cache', true);
  // Pages are never cached (no-store), so hashing each body for an ETag would be wasted work.
  app.set('etag', false);
  app.locals.labels = FIELD_LABELS;
  app.locals.limits = LIMITS;
  app.locals.fields = STUDENT_FIELDS;

  // Request id (the load balancer's trace id when present) and one JSON log line per request.
  app.use((req, res, next) => {
    const incoming = req.get('x-request-id') ?? req.get('x-amzn-trace-id');
    const id = incoming && /^[\w=;.:-]{1,200}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const level = res.statusCode >= 500 ? 'error' : 'info';
      log(level, 'request', {
        requestId: id,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        ip: req.ip,
      });
    });
    next();
  });

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // Without a certificate the site is plain HTTP behind the load balancer; HSTS would do nothing useful.
      strictTransportSecurity: false,
      frameguard: { action: 'deny' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await api.list({ limit: 1 }, res.locals.requestId as string);
      res.set('Cache-Control', 'no-store').json({ status: 'ready' });
    } catch (err) {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'api-unavailable', reason: (err as Error).message });
    }
  });

  app.use('/static', express.static(path.join(root, 'public'), { index: false, maxAge: '1h', fallthrough: true }));
  app.get('/favicon.ico', (_req, res) => {
    res.type('image/svg+xml').set('Cache-Control', 'public, max-age=86400').sendFile(path.join(root, 'public', 'favicon.svg'));
  });

  async function renderHome(req: Request, res: Response, status: number, form: Pick<PageModel, 'values' | 'fieldErrors' | 'formError' | 'notice'>) {
    const cursor = typeof req.query.cursor === 'string' && CURSOR_PATTERN.test(req.query.cursor) ? req.query.cursor : undefined;
    const trail = cursor ? trailOf(req.query.trail) : [];
    let list: PageModel['list'];
    try {
      const page = await api.list({ limit: config.pageSize, cursor }, res.locals.requestId as string);
      list = page.invalidCursor ? { state: 'invalid-cursor' } : { state: 'ok', page: { ...page, students: [...page.students].sort(byName) } };
    } catch (err) {
      log('warn', 'student list unavailable', { requestId: res.locals.requestId, reason: (err as Error).message });
      list = { state: 'unavailable' };
    }
    const prevCursor = trail[trail.length - 1];
    const nav = {
      pageNumber: trail.length + 1,
      prevHref: cursor ? href(prevCursor === START ? undefined : prevCursor, trail.slice(0, -1)) : undefined,
      nextHref: list.state === 'ok' && list.page.nextCursor ? href(list.page.nextCursor, [...trail, cursor ?? START].slice(-MAX_TRAIL)) : undefined,
    };
    const model: PageModel = { title: 'Student Registration Portal', list, nav, ...form, formError: form.formError ?? '', notice: form.notice ?? '' };
    res.status(status).set('Cache-Control', 'no-store').render('index', model);
  }

  app.get('/', async (req, res, next) => {
    try {
      const notice = req.query.registered === '1' ? 'Thank you: the student is registered.' : undefined;
      await renderHome(req, res, 200, { values: {}, fieldErrors: {}, notice });
    } catch (err) {
      next(err);
    }
  });

  app.post('/students', express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }), async (req, res, next) => {
    try {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const values = Object.fromEntries(STUDENT_FIELDS.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string) : ''])) as Record<StudentField, string>;
      const checked = validateStudent(values);
      if (!checked.ok) {
        return await renderHome(req, res, 422, { values, fieldErrors: toFieldErrors(checked.errors), formError: 'Please correct the highlighted fields.' });
      }
      const outcome = await api.signup(checked.student, res.locals.requestId as string);
      switch (outcome.kind) {
        case 'ok':
          return res.redirect(303, '/?registered=1');
        case 'duplicate':
          return await renderHome(req, res, 409, {
            values,
            fieldErrors: { email: 'This email is already registered.' },
            formError: 'This student is already registered.',
          });
        case 'invalid':
          return await renderHome(req, res, 422, { values, fieldErrors: toFieldErrors(outcome.errors), formError: outcome.message });
        case 'unavailable':
          log('warn', 'signup unavailable', { requestId: res.locals.requestId, reason: outcome.reason });
          return await renderHome(req, res, 503, {
            values,
            fieldErrors: {},
            formError: 'The registration service is unavailable right now. Please try again in a moment.',
          });
      }
    } catch (err) {
      next(err);
    }
  });

  app.use((_req, res) => {
    res.status(404).render('error', { title: 'Page not found', status: 404, message: 'There is no page at this address.' });
  });

  app.use((err: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.type === 'entity.too.large' ? 413 : err.status && err.status >= 400 && err.status < 500 ? err.status : 500;
    log(status >= 500 ? 'error' : 'warn', 'request failed', { requestId: res.locals.requestId, errorName: err.name, status });
    if (status >= 500) log('error', 'stack', { requestId: res.locals.requestId, stack: err.stack });
    const message = status === 413 ? 'That form was too large.' : status < 500 ? 'The request could not be understood.' : 'Something went wrong on our side. Please try again.';
    res.status(status).render('error', { title: status >= 500 ? 'Something went wrong' : 'Bad request', status, message }, (renderErr: Error | null, html?: string) => {
      // Even a broken template must not leak a stack trace.
      if (renderErr) res.type('text/plain').send(message);
      else res.send(html);
    });
  });

  return app;
}

function toFieldErrors(errors: readonly { field: string; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const e of errors) if ((STUDENT_FIELDS as readonly string[]).includes(e.field)) out[e.field as StudentField] ??= e.message;
  return out;
}

// One collator for every request: localeCompare with options builds a new one per call.
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base' });

function byName(a: Student, b: Student): number {
  return NAME_ORDER.compare(a.name, b.name) || (a.email < b.email ? -1 : a.email > b.email ? 1 : 0);
}
