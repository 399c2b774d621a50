/** The frontend's settings: read once, defaults stated, and a bad value names its setting. */
import { availableParallelism } from 'node:os';
import { FrontendConfigError, loadFrontendConfig, MAX_WORKERS } from '../ec2-frontend/src/config';

const API = { API_ENDPOINT: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/student/' };

test('defaults: port 3000 on every address, a 3 s API timeout, one worker per vCPU', () => {
  expect(loadFrontendConfig(API)).toEqual({
    port: 3000,
    host: '0.0.0.0',
    apiEndpoint: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev/student',
    apiTimeoutMs: 3000,
    logLevel: 'info',
    pageSize: 50,
    trustProxy: 1,
    workers: Math.min(availableParallelism(), MAX_WORKERS),
  });
  expect(loadFrontendConfig({ ...API, FRONTEND_WORKERS: '3' }).workers).toBe(3);
});

test.each([
  [{ PORT: '70000' }, /^PORT: "70000" is not a port number/],
  [{ API_ENDPOINT: 'not a url' }, /^API_ENDPOINT: "not a url" is not a URL/],
  [{ API_ENDPOINT: 'ftp://example.com/dev/student' }, /^API_ENDPOINT: must be http or https/],
  [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: "loud" must be/],
  [{ API_TIMEOUT_MS: '50' }, /^API_TIMEOUT_MS: must be 100\.\.28000/],
  [{ FRONTEND_WORKERS: '0' }, /^FRONTEND_WORKERS: "0" must be a whole number from 1 to 16/],
  [{ FRONTEND_WORKERS: '2.5' }, /^FRONTEND_WORKERS: "2\.5" must be a whole number/],
  [{ FRONTEND_WORKERS: String(MAX_WORKERS + 1) }, /^FRONTEND_WORKERS: "17" must be/],
])('%j is refused, naming the setting', (bad, message) => {
  const load = () => loadFrontendConfig({ ...API, ...bad });
  expect(load).toThrow(FrontendConfigError);
  expect(load).toThrow(message);
});
