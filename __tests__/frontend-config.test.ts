/** The frontend's settings: read once, defaults stated, and a bad value names its setting. */
import { availableParallelism } from 'node:os';
import { FrontendConfigError, loadFrontendConfig, MAX_WORKERS } from '../ec2-frontend/src/config';

const SECRET = Buffer.alloc(32, 7).toString('base64url');
const API = { API_ENDPOINT: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/student/', SEAL_SECRET: SECRET };
const KEY = 'arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-4000-8000-000000000000';

test('defaults: port 3000 on every address, a 3 s API timeout, 1.5 s for the list, one worker per vCPU', () => {
  expect(loadFrontendConfig(API)).toEqual({
    port: 3000,
    host: '0.0.0.0',
    apiEndpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/student',
    apiTimeoutMs: 3000,
    listTimeoutMs: 1500,
    logLevel: 'info',
    pageSize: 50,
    trustProxy: 1,
    workers: Math.min(availableParallelism(), MAX_WORKERS),
    apiAccess: 'iam',
    directory: 'names',
    apiRegion: 'eu-west-1',
    seal: { kind: 'secret', keys: [{ generation: 1, secret: Buffer.alloc(32, 7) }] },
  });
  expect(loadFrontendConfig({ ...API, SEAL_KMS_KEY_ID: KEY, SEAL_KEY_GENERATION: '3' }).seal).toEqual({
    kind: 'kms',
    keyId: KEY,
    generation: 3,
  });
  // A local API's host names no region: the signing region is AWS_REGION's.
  expect(
    loadFrontendConfig({ ...API, API_ENDPOINT: 'http://127.0.0.1:3001/dev/student', AWS_REGION: 'us-east-1' })
      .apiRegion,
  ).toBe('us-east-1');
  expect(loadFrontendConfig({ ...API, FRONTEND_WORKERS: '3' }).workers).toBe(3);
  expect(loadFrontendConfig({ ...API, DIRECTORY_MODE: 'staff' }).directory).toBe('staff');
  expect(() => loadFrontendConfig({ ...API, DIRECTORY_MODE: 'everyone' })).toThrow(
    'DIRECTORY_MODE: "everyone" must be names, staff, public',
  );
  // The list's budget follows a shorter API timeout down, and may be set on its own.
  expect(loadFrontendConfig({ ...API, API_TIMEOUT_MS: '800' }).listTimeoutMs).toBe(800);
  expect(loadFrontendConfig({ ...API, LIST_TIMEOUT_MS: '900' }).listTimeoutMs).toBe(900);
});

test.each([
  [{ PORT: '70000' }, /^PORT: "70000" is not a port number/],
  [{ API_ENDPOINT: 'not a url' }, /^API_ENDPOINT: "not a url" is not a URL/],
  [{ API_ENDPOINT: 'ftp://example.com/dev/student' }, /^API_ENDPOINT: must be http or https/],
  [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: "loud" must be/],
  [{ API_TIMEOUT_MS: '50' }, /^API_TIMEOUT_MS: must be 100\.\.28000/],
  [{ LIST_TIMEOUT_MS: '5000' }, /^LIST_TIMEOUT_MS: "5000" must be 100\.\.API_TIMEOUT_MS \(3000\)/],
  [{ FRONTEND_WORKERS: '0' }, /^FRONTEND_WORKERS: "0" must be a whole number from 1 to 16/],
  [{ FRONTEND_WORKERS: '2.5' }, /^FRONTEND_WORKERS: "2\.5" must be a whole number/],
  [{ FRONTEND_WORKERS: String(MAX_WORKERS + 1) }, /^FRONTEND_WORKERS: "17" must be/],
  [{ API_ACCESS: 'open' }, /^API_ACCESS: "open" must be iam or public/],
  [{ API_ENDPOINT: 'http://127.0.0.1:3001/dev/student' }, /^AWS_REGION: "" is not a region/],
  [{ SEAL_SECRET: 'short' }, /^SEAL_SECRET: set it to 32 or more random bytes/],
  [{ SEAL_KMS_KEY_ID: 'alias/seal' }, /^SEAL_KMS_KEY_ID: "alias\/seal" is not a KMS key ARN/],
  [
    { SEAL_KMS_KEY_ID: KEY, SEAL_KEY_GENERATION: '0' },
    /^SEAL_KEY_GENERATION: "0" must be a whole number from 1 to 254/,
  ],
])('%j is refused, naming the setting', (bad, message) => {
  const load = () => loadFrontendConfig({ ...API, ...bad });
  expect(load).toThrow(FrontendConfigError);
  expect(load).toThrow(message);
});
