/**
 * Store faults: an unreachable store (a real closed port) and throttling, which dynalite
 * cannot produce, so a small HTTP server answers with DynamoDB's documented throttling error.
 */
import { buildProxyEvent } from '../scripts/local/proxy-event';
import { closedPortUrl, dynamoErrorServer } from './helpers/net';
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
  expect(res.headers).toMatchObject({ 'Content-Type': 'application/json' });
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
    const store = await dynamoErrorServer(
      'com.amazonaws.dynamodb.v20120810#ThrottlingException',
      'Rate of requests exceeds the allowed throughput.',
    );
    try {
      const env = { endpoint: store.endpoint, tableName: 'students-table' };
      expectCleanError(await loadHandler(variant, 'signup-students', env)(post()), 503);
      expect(store.calls()).toBeGreaterThan(1);
      expectCleanError(await loadHandler(variant, 'list-students', env)(get()), 503);
    } finally {
      store.close();
    }
  });

  test('an unexpected store error gives a clean 500', async () => {
    const store = await dynamoErrorServer(
      'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      'Requested resource not found',
    );
    try {
      const env = { endpoint: store.endpoint, tableName: 'students-table' };
      expectCleanError(await loadHandler(variant, 'signup-students', env)(post()), 500);
      expectCleanError(await loadHandler(variant, 'list-students', env)(get()), 500);
    } finally {
      store.close();
    }
  });
});
