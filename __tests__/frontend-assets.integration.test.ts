/**
 * Static assets and compression, read off the wire as a browser receives them (node:http does not
 * decompress): content-hashed URLs cached for a year, compressed once at start; pages compressed.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createApp } from '../ec2-frontend/src/app';
import { loadFrontendConfig } from '../ec2-frontend/src/config';
import { closedPortUrl, TEST_FRONTEND_ENV } from './helpers/net';

let server: http.Server;
let base: string;
beforeAll(async () => {
  // No API is needed for assets; the page renders its "unavailable" state.
  const config = loadFrontendConfig({ ...TEST_FRONTEND_ENV, API_ENDPOINT: await closedPortUrl(), LOG_LEVEL: 'silent' });
  server = http.createServer(createApp(config));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function get(
  url: string,
  encoding: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}${url}`, { headers: { 'Accept-Encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

const decoders = { br: brotliDecompressSync, gzip: gunzipSync } as const;

test('pages are compressed when the browser accepts it, and link assets by content hash', async () => {
  const page = await get('/', 'gzip, deflate, br');
  expect(page.headers['content-encoding']).toMatch(/^(br|gzip)$/);
  const html = decoders[page.headers['content-encoding'] as 'br' | 'gzip'](page.body).toString();
  const plainCss = readFileSync(path.join(__dirname, '..', 'ec2-frontend', 'public', 'app.css'));
  const hash = createHash('sha256').update(plainCss).digest('base64url').slice(0, 12);
  expect(html).toContain(`<link rel="stylesheet" href="/static/app.${hash}.css">`);
  expect(html).toMatch(/<script src="\/static\/app\.[\w-]{12}\.js" defer><\/script>/);
  expect((await get('/', 'identity')).headers['content-encoding']).toBeUndefined();
});

test.each(['br', 'gzip'] as const)(
  'a hashed asset is immutable for a year, and sent %s-compressed',
  async (encoding) => {
    const plainCss = readFileSync(path.join(__dirname, '..', 'ec2-frontend', 'public', 'app.css'));
    const hash = createHash('sha256').update(plainCss).digest('base64url').slice(0, 12);
    const res = await get(`/static/app.${hash}.css`, encoding);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(decoders[encoding](res.body).equals(plainCss)).toBe(true);
    expect(res.body.length).toBeLessThan(plainCss.length / 2);
  },
);

test('the plain names stay served, briefly cached, for pages of an earlier release; a wrong hash is 404', async () => {
  const old = await get('/static/app.css', 'identity');
  expect([old.status, old.headers['cache-control']]).toEqual([200, 'public, max-age=3600']);
  expect((await get('/static/app.AAAAAAAAAAAA.css', 'identity')).status).toBe(404);
});
