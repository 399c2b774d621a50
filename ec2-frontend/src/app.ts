/**
 * The presentation tier: server-rendered pages that work without JavaScript. The list and
 * the signups go through the API; the form is validated with the shared student model first.
 * `createApp` only wires middleware and routes, each in its own file.
 */
import './locals';
import compression from 'compression';
import express from 'express';
import path from 'node:path';
import { setLogLevel } from '../../core/log';
import { MAX_SEARCH_LENGTH } from '../../core/directory';
import { FIELD_LABELS, LIMITS, STUDENT_FIELDS } from '../../core/student';
import { StudentsApi } from './api-client';
import { COUNTRIES } from './countries';
import type { FrontendConfig } from './config';
import { errorPage, notFound } from './middleware/errors';
import { requestLog } from './middleware/request-log';
import { securityHeaders, strictTransport } from './middleware/security';
import { iamSigner } from './api-signer';
import { Sealer, type SealKey } from './seal';
import { healthRoutes } from './routes/health';
import { privacyRoutes } from './routes/privacy';
import { staffRoutes } from './routes/staff';
import { loadAssets, staticRoutes } from './routes/static';
import { studentRoutes } from './routes/students';
import { compileViews } from './views';

export interface AppOptions {
  /** Directory holding `views/` and `public/`. @default the directory of this module's package */
  readonly rootDir?: string;
  /** The sealing keys, resolved from KMS (`resolveSealKeys`). @default the secret in the configuration */
  readonly sealKeys?: readonly SealKey[];
}

/** The sealer of the configuration: its own secret, or the keys KMS gave at start. */
function sealerOf(config: FrontendConfig, options: AppOptions): Sealer {
  if (config.seal.kind === 'secret') return new Sealer(config.seal.keys);
  if (!options.sealKeys) throw new Error('the KMS sealing keys must be resolved before the app is created');
  return new Sealer(options.sealKeys, config.seal.generation);
}

function resolveRoot(options: AppOptions): string {
  if (options.rootDir) return options.rootDir;
  // Sources live in ec2-frontend/src; the bundle sits beside views/ and public/ in dist/frontend.
  return path.basename(__dirname) === 'src' ? path.resolve(__dirname, '..') : __dirname;
}

export function createApp(config: FrontendConfig, options: AppOptions = {}): express.Express {
  setLogLevel(config.logLevel);
  const root = resolveRoot(options);
  const api = new StudentsApi(
    config.apiEndpoint,
    { callMs: config.apiTimeoutMs, listMs: config.listTimeoutMs },
    config.apiAccess === 'iam' ? iamSigner(config.apiRegion) : undefined,
    config.staff ? iamSigner(config.apiRegion) : undefined,
  );
  const sealer = sealerOf(config, options);
  const app = express();

  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  // Templates are compiled once, here: the artifact never changes under a running process.
  const viewsDir = path.join(root, 'views');
  const views = compileViews(viewsDir);
  app.engine('ejs', views.engine);
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('view cache', true);
  // Pages are never cached (no-store), so hashing each body for an ETag would be wasted work.
  app.set('etag', false);
  const publicDir = path.join(root, 'public');
  const assets = loadAssets(publicDir);
  const asset = (file: string) => assets.get(file)?.url ?? `/static/${file}`;
  Object.assign(app.locals, {
    labels: FIELD_LABELS,
    limits: LIMITS,
    searchLimit: MAX_SEARCH_LENGTH,
    fields: STUDENT_FIELDS,
    countryOptions: views.partial('countries')({ countries: COUNTRIES }),
    partials: views.partials,
    asset,
  });

  app.use(requestLog());
  app.use(securityHeaders());
  app.use(strictTransport());
  app.use(healthRoutes(api));
  app.use(staticRoutes(publicDir, assets));
  // Pages compress as they are sent (the static assets above were compressed once, at start).
  app.use(compression({ threshold: 1024 }));
  app.use(studentRoutes(api, config, sealer));
  app.use(privacyRoutes(config));
  app.use(staffRoutes(api, config, sealer));
  app.use(notFound());
  app.use(errorPage());
  return app;
}
