/**
 * A staff member's removal of a student (the right to erasure): the removal Lambda (the built
 * bundle, in its own process, against dynalite) deletes the record and its name-words entries and
 * writes an audit line that names who and which record (a digest) but never the removed values;
 * bad input is a 4xx naming the field and changes nothing; and the local gateway, like the
 * deployed one, takes the removal from signed calls only, even when the API is public.
 */
import { createHash } from 'node:crypto';
import { wordsTableOf } from '../core/name-words';
import type { DataTier } from '../scripts/local/data-tier';
import { buildProxyEvent } from '../scripts/local/proxy-event';
import { type LocalBackend, startBackend } from '../scripts/local/stack';
import { signedFetch } from '../scripts/local/signed-fetch';
import {
  clearTable,
  freshTable,
  indexedItem,
  loadHandler,
  putRaw,
  scanAll,
  startStore,
  stopHandlers,
} from './helpers/store';

const removal = (body: unknown, contentType = 'application/json') =>
  buildProxyEvent({
    method: 'DELETE',
    resource: '/student',
    path: '/student',
    headers: { 'Content-Type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
const ada = { name: 'Ada Marie Lovelace', age: '36', email: 'ada.removal@example.com', country: 'United Kingdom' };
const grace = { name: 'Grace Hopper', age: '85', email: 'grace.removal@example.com', country: 'USA' };
const STAFF = 'registrar@school.example';

let store: DataTier;
let table: string;
beforeAll(async () => {
  store = await startStore();
  table = await freshTable(store);
});
afterAll(async () => {
  await stopHandlers();
  await store.close();
});
beforeEach(async () => {
  await clearTable(store, table);
  await putRaw(store, table, [indexedItem(ada), indexedItem(grace)]);
});

const handler = () =>
  loadHandler('bundle', 'remove-students', {
    endpoint: store.endpoint,
    tableName: table,
    extra: { LOG_LEVEL: 'info' },
  });

test('removes the record and every name-words entry; the audit line says who and which record, never the values', async () => {
  const remove = handler();
  const words = async () => (await scanAll(store, wordsTableOf(table), { raw: true })).map((w) => String(w.email));
  expect((await words()).filter((e) => e === ada.email)).toHaveLength(3);
  const res = await remove(removal({ email: 'Ada.Removal@Example.com', requestedBy: STAFF }));
  expect([res.statusCode, JSON.parse(res.body)]).toEqual([200, { message: 'The student was removed' }]);
  expect((await scanAll(store, table)).map((s) => s.email)).toEqual([grace.email]);
  expect(await words()).not.toContain(ada.email);
  expect(await words()).toContain(grace.email);
  const audit = remove.logLines.map((l) => JSON.parse(l)).filter((l) => l.audit === true);
  expect(audit).toEqual([
    expect.objectContaining({
      msg: 'student removed',
      requestedBy: STAFF,
      record: createHash('sha256').update(ada.email).digest('hex'),
    }),
  ]);
  for (const line of remove.logLines)
    for (const value of [ada.email, ada.name, 'Lovelace', ada.country]) expect(line).not.toContain(value);
  // Again: nothing there now, a 404 with its own audit line.
  const again = await remove(removal({ email: ada.email, requestedBy: STAFF }));
  expect(again.statusCode).toBe(404);
});

test.each([
  ['not JSON', 'not json', 'application/json', 400, undefined],
  ['another content type', 'email=x', 'application/x-www-form-urlencoded', 415, undefined],
  ['a bad email', { email: 'not-an-email', requestedBy: STAFF }, 'application/json', 400, 'email'],
  ['no requestedBy', { email: ada.email }, 'application/json', 400, 'requestedBy'],
  ['an array', [ada.email], 'application/json', 400, undefined],
])('%s is refused naming the field, and changes nothing', async (_what, body, type, status, field) => {
  const res = await handler()(removal(body, type));
  expect(res.statusCode).toBe(status);
  if (field) expect(JSON.parse(res.body).errors.map((e: { field: string }) => e.field)).toEqual([field]);
  expect((await scanAll(store, table)).map((s) => s.email).sort()).toEqual([ada.email, grace.email]);
});

describe('the local gateway', () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = await startBackend({ apiPort: 0, apiAccess: 'public' });
    await putRaw(backend.data, backend.tableName, [indexedItem(ada)]);
  });
  afterAll(() => backend.stop());

  test('takes a removal only signed, even when the API is public; signed, it removes', async () => {
    const body = JSON.stringify({ email: ada.email, requestedBy: STAFF });
    const anonymous = await fetch(backend.api.studentUrl, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(anonymous.status).toBe(403);
    expect((await scanAll(backend.data, backend.tableName)).map((s) => s.email)).toEqual([ada.email]);
    // The list stays public in this mode.
    expect((await fetch(backend.api.studentUrl)).status).toBe(200);
    const signed = await signedFetch(backend.api.studentUrl, {
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(signed.status).toBe(200);
    expect(await scanAll(backend.data, backend.tableName)).toEqual([]);
  });
});
