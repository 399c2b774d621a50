/**
 * The load balancer's staff sign-in, on this machine: a proxy in front of the local frontend that
 * behaves as the deployed load balancer does for the staff paths. Without a session it sends the
 * browser to a sign-in page (the identity provider's stand-in, development only: any email
 * signs in); with one, it forwards with the headers the load balancer adds, `x-amzn-oidc-data`
 * signed ES256 with a key of the local stack (alb-token.ts), `x-amzn-oidc-identity` and
 * `x-amzn-oidc-accesstoken`. It serves the public key as the regional endpoint does, and drops any
 * such header a browser sends. The session is the load balancer's cookie, sealed with a random
 * secret; sign-out (the portal's) expires it.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALB_IDENTITY_HEADERS, ALB_SESSION_COOKIES, isStaffPath, STAFF_PATH } from '../../core/staff-sign-in';
import { albToken, newAlbKey } from './alb-token';

/** The stand-in load balancer's ARN: the tokens' signer, which the frontend is told to trust. */
export const LOCAL_SIGNER_ARN =
  'arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer/app/students-local/0000000000000000';
export const SIGN_IN_PATH = '/oauth2/local-sign-in';
const KEYS_PATH = '/.local-alb-keys';
const [SESSION_COOKIE] = ALB_SESSION_COOKIES as [string];

export interface SignInStandInOptions {
  readonly host: string;
  /** The public port (the portal's). */
  readonly port: number;
  /** How long a sign-in lasts. @default 8 hours, as the deployed rule */
  readonly sessionSeconds?: number;
  /** How long each forwarded token is valid. @default 60 */
  readonly tokenSeconds?: number;
}

export interface SignInStandIn {
  readonly url: string;
  /** What the frontend needs to trust this stand-in: its signer, key URL and sign-out. */
  readonly frontendEnv: Record<string, string>;
  /** Points the proxy at the frontend once it listens. */
  forwardTo(port: number): void;
  close(): Promise<void>;
}

interface Session {
  readonly sub: string;
  readonly email: string;
  readonly exp: number;
}

const page = (body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Staff sign-in (local stand-in)</title></head><body><main>${body}</main></body></html>`;

export async function startSignInStandIn(options: SignInStandInOptions): Promise<SignInStandIn> {
  const key = newAlbKey();
  const secret = randomBytes(32);
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  const seal = (s: Session) => {
    const data = Buffer.from(JSON.stringify(s)).toString('base64url');
    return `${data}.${mac(data)}`;
  };
  const open = (cookieHeader: string | undefined): Session | undefined => {
    const raw = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(cookieHeader ?? '')?.[1];
    const [data, tag] = (raw ?? '').split('.');
    if (!data || !tag) return undefined;
    const expected = Buffer.from(mac(data));
    if (expected.length !== Buffer.from(tag).length || !timingSafeEqual(expected, Buffer.from(tag))) return undefined;
    const s = JSON.parse(Buffer.from(data, 'base64url').toString()) as Session;
    return s.exp * 1000 > Date.now() ? s : undefined;
  };
  let target = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (url.pathname === `${KEYS_PATH}/${key.kid}`)
      return res.writeHead(200, { 'Content-Type': 'text/plain' }).end(key.publicPem);
    if (url.pathname === SIGN_IN_PATH) return signIn(req, res, url);
    const headers: http.OutgoingHttpHeaders = {
      ...req.headers,
      'x-forwarded-for': req.socket.remoteAddress ?? '',
      'x-forwarded-proto': 'http',
    };
    for (const name of Object.values(ALB_IDENTITY_HEADERS)) delete headers[name];
    if (isStaffPath(url.pathname + url.search)) {
      const session = open(req.headers.cookie);
      if (!session) {
        const back = encodeURIComponent(url.pathname + url.search);
        return res.writeHead(302, { Location: `${SIGN_IN_PATH}?return=${back}`, 'Cache-Control': 'no-store' }).end();
      }
      const exp = Math.min(session.exp, Math.floor(Date.now() / 1000) + (options.tokenSeconds ?? 60));
      headers[ALB_IDENTITY_HEADERS.data] = albToken(key, {
        signer: LOCAL_SIGNER_ARN,
        exp,
        iss: `${serverUrl()}${SIGN_IN_PATH}`,
        client: 'students-local',
        claims: { sub: session.sub, email: session.email, email_verified: 'true' },
      });
      headers[ALB_IDENTITY_HEADERS.identity] = session.sub;
      headers[ALB_IDENTITY_HEADERS.accessToken] = randomBytes(16).toString('base64url');
    }
    const upstream = http.request(
      { host: options.host, port: target, method: req.method, path: req.url, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('502 Bad Gateway: the local frontend is not answering');
    });
    req.pipe(upstream);
  });

  function signIn(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const back = url.searchParams.get('return') ?? STAFF_PATH;
    const safeBack = isStaffPath(back) ? back : STAFF_PATH;
    if (req.method === 'POST') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const email = new URLSearchParams(body).get('email')?.trim() ?? '';
        if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
          res.writeHead(400, { 'Content-Type': 'text/html' }).end(page('<p>Enter an email address.</p>'));
          return;
        }
        const exp = Math.floor(Date.now() / 1000) + (options.sessionSeconds ?? 8 * 60 * 60);
        const cookie = `${SESSION_COOKIE}=${seal({ sub: `local-${email}`, email, exp })}; Path=/; HttpOnly; SameSite=Lax`;
        res.writeHead(302, { 'Set-Cookie': cookie, Location: safeBack, 'Cache-Control': 'no-store' }).end();
      });
      return;
    }
    res
      .writeHead(200, { 'Content-Type': 'text/html', 'Cache-Control': 'no-store' })
      .end(
        page(
          `<h1>Staff sign-in</h1><p>The local stand-in for the load balancer's sign-in: any email address signs in. Deployed, this is Cognito's or the school's sign-in page.</p><form method="post" action="${SIGN_IN_PATH}?return=${encodeURIComponent(safeBack)}"><label for="email">Email</label> <input id="email" name="email" type="email" autocomplete="email"> <button type="submit">Sign in</button></form>`,
        ),
      );
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const serverUrl = () => `http://${options.host}:${port}`;
  return {
    url: serverUrl(),
    frontendEnv: {
      STAFF_SIGNER_ARN: LOCAL_SIGNER_ARN,
      STAFF_KEYS_URL: `${serverUrl()}${KEYS_PATH}`,
      STAFF_SIGN_OUT_URL: '/',
    },
    forwardTo: (p) => {
      target = p;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
