/**
 * Store faults: an unreachable store (a real closed port) and throttling, which dynalite
 * cannot produce, so a small HTTP server answers with DynamoDB's documented throttling error.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildProxyEvent } from '../scripts/local/proxy-event';
import { closedPortUrl } from './helpers/net';
import { loadHandler, stopHandlers } from './helpers/store';

afterAll(stopHandlers);

const valid = JSON.stringify({ name: 'Ada', age: '22', email: 'ada@example.com', country: 'UK' });
const post = () =>
  buildProxyEvent({
    method: 'POST',
    resource: '/student',
    path: '/student',
    headers: { 'Content-Type': 'application/json' },
    body: valid,
  });
const get = () => buildProxyEvent({ method: 'GET', resource: '/student', path: '/student' });

function expectCleanError(
  res: { statusCode: number; body: string; headers?: Record<string, unknown> },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers).toMatchObject({ 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' });
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(['message']);
  expect(body.message).toEqual(expect.any(String));
  // No stack trace, endpoint, error class or table name reaches the client.
  expect(res.body).not.toMatch(/\bat\b.*:\d+|127\.0\.0\.1|ECONNREFUSED|Exception|students-table/);
}

// On the built bundles: socket errors and their codes as the deployed code sees them.
describe('store faults (built bundles)', () => {
  const variant = 'bundle' as const;
  test('an unreachable store gives a clean 503 on GET and POST', async () => {
    const endpoint = await closedPortUrl();
    const env = { endpoint, tableName: 'students-table' };
    expectCleanError(await loadHandler(variant, 'list-students', env)(get()), 503);
    expectCleanError(await loadHandler(variant, 'signup-students', env)(post()), 503);
  });

  test('throttling gives a clean 503, after the SDK has retried', async () => {
    let calls = 0;
    const server = http.createServer((req, res) => {
      calls++;
      req.resume();
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException',
          message: 'Rate of requests exceeds the allowed throughput.',
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const env = {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        tableName: 'students-table',
      };
      expectCleanError(await loadHandler(variant, 'signup-students', env)(post()), 503);
      expect(calls).toBeGreaterThan(1);
      expectCleanError(await loadHandler(variant, 'list-students', env)(get()), 503);
    } finally {
      server.close();
    }
  });

  test('an unexpected store error gives a clean 500', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
          message: 'Requested resource not found',
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const env = {
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        tableName: 'students-table',
      };
      expectCleanError(await loadHandler(variant, 'signup-students', env)(post()), 500);
      expectCleanError(await loadHandler(variant, 'list-students', env)(get()), 500);
    } finally {
      server.close();
    }
  });
});
