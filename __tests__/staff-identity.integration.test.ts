/**
 * The frontend trusts `x-amzn-oidc-data` only as a load balancer signs it: tokens made the way the
 * load balancer makes them (ES256, padded base64url, the ALB's header fields), verified with jose
 * against a key server on loopback that answers as the regional public-key endpoint does. Every
 * forgery a visitor could send is anonymous; each key is fetched once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setLogLevel } from '../core/log';
import { StaffIdentity } from '../ec2-frontend/src/staff-identity';
import { albToken, newAlbKey } from '../scripts/local/alb-token';

const SIGNER = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/students-dev-alb/50dc6c495c0c9188';
const key = newAlbKey();
const stranger = newAlbKey();
let server: http.Server;
let keysUrl: string;
const fetched: string[] = [];

beforeAll(async () => {
  setLogLevel('silent');
  server = http.createServer((req, res) => {
    const kid = (req.url ?? '').slice(1);
    fetched.push(kid);
    if (kid === key.kid) res.writeHead(200, { 'Content-Type': 'text/plain' }).end(key.publicPem);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  keysUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const now = () => Math.floor(Date.now() / 1000);
const fields = (over: Partial<Parameters<typeof albToken>[1]> = {}) => ({
  signer: SIGNER,
  exp: now() + 120,
  iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_example',
  client: 'client-id',
  claims: { sub: 'c0ffee-1', email: 'registrar@school.example', name: 'Ada Registrar' },
  ...over,
});
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('a token the load balancer signed names the staff member; the key is fetched once', async () => {
  const identity = new StaffIdentity({ signerArn: SIGNER, keysUrl });
  const token = albToken(key, fields());
  expect(token).toMatch(/=\./); // padded segments, as the load balancer sends them
  fetched.length = 0;
  for (let i = 0; i < 3; i++)
    await expect(identity.verify(token)).resolves.toEqual({
      subject: 'c0ffee-1',
      email: 'registrar@school.example',
      name: 'Ada Registrar',
    });
  expect(fetched).toEqual([key.kid]);
});

test.each([
  ['no header', () => undefined],
  ['garbage', () => 'not.a.token'],
  ['unsigned (no signature)', () => `${albToken(key, fields()).split('.').slice(0, 2).join('.')}.`],
  ['alg none', () => `${b64({ alg: 'none', kid: key.kid, signer: SIGNER, exp: now() + 60 })}.${b64({ sub: 'x' })}.`],
  ['signed by another key under our kid', () => albToken({ kid: key.kid, privateKey: stranger.privateKey }, fields())],
  ['signed for another load balancer', () => albToken(key, fields({ signer: `${SIGNER}0` }))],
  ['expired', () => albToken(key, fields({ exp: now() - 1 }))],
  ['a kid that is not a key id', () => albToken({ kid: '../../evil', privateKey: key.privateKey }, fields())],
  ['an unknown kid', () => albToken(stranger, fields())],
  [
    'a payload edited after signing',
    () => {
      const [h, , s] = albToken(key, fields()).split('.');
      return `${h}.${b64({ sub: 'someone-else' })}.${s}`;
    },
  ],
])('%s is anonymous', async (_what, token) => {
  const identity = new StaffIdentity({ signerArn: SIGNER, keysUrl });
  await expect(identity.verify(token())).resolves.toBeUndefined();
});
