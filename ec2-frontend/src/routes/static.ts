/**
 * The files of `public/`: content-hashed URLs, compressed once at start, cached for a year.
 */
import express, { type Request, Router } from 'express';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** A file of `public/`, read once: its content-hashed URL and its bytes, plain and compressed. */
interface Asset {
  readonly url: string;
  readonly type: string;
  readonly plain: Buffer;
  readonly gzip?: Buffer;
  readonly br?: Buffer;
}

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const COMPRESSIBLE = new Set(['.css', '.js', '.svg']);

/** The assets of a `public/` directory, by file name; the views link them through `asset()`. */
export function loadAssets(publicDir: string): ReadonlyMap<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of readdirSync(publicDir).sort()) {
    const ext = path.extname(file);
    if (!TYPES[ext]) continue;
    const plain = readFileSync(path.join(publicDir, file));
    const hash = createHash('sha256').update(plain).digest('base64url').slice(0, 12);
    const url = `/static/${path.basename(file, ext)}.${hash}${ext}`;
    const compress = COMPRESSIBLE.has(ext);
    assets.set(file, {
      url,
      type: TYPES[ext] as string,
      plain,
      ...(compress
        ? {
            gzip: gzipSync(plain, { level: 9 }),
            br: brotliCompressSync(plain, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
          }
        : {}),
    });
  }
  return assets;
}

function encodingFor(req: Request, asset: Asset): 'br' | 'gzip' | undefined {
  const accepted = req.acceptsEncodings(['br', 'gzip', 'identity']);
  if (accepted === 'br' && asset.br) return 'br';
  if ((accepted === 'br' || accepted === 'gzip') && asset.gzip) return 'gzip';
  return undefined;
}

/**
 * `/static/<name>.<hash>.<ext>`: the content decides the URL, so a response is cached for a year
 * and never revalidated (a new release links new URLs). Compressed once, at start. The plain
 * names stay served, briefly cached, for pages rendered by an earlier release during a rollout.
 */
export function staticRoutes(publicDir: string, assets: ReadonlyMap<string, Asset>): Router {
  const router = Router();
  const byUrl = new Map([...assets.values()].map((a) => [a.url, a]));
  router.get('/static/:file', (req, res, next) => {
    const asset = byUrl.get(req.path);
    if (!asset) return next();
    const encoding = encodingFor(req, asset);
    res.type(asset.type).set('Cache-Control', 'public, max-age=31536000, immutable').set('Vary', 'Accept-Encoding');
    if (encoding) res.set('Content-Encoding', encoding);
    res.send(encoding ? asset[encoding] : asset.plain);
  });
  router.use('/static', express.static(publicDir, { index: false, maxAge: '1h', fallthrough: true }));
  router.get('/favicon.ico', (_req, res) => {
    res
      .type('image/svg+xml')
      .set('Cache-Control', 'public, max-age=86400')
      .sendFile(path.join(publicDir, 'favicon.svg'));
  });
  return router;
}
