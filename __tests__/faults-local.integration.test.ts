/**
 * Faults on the running three tiers: the data tier stops mid-run and comes back, and the API
 * tier stops. Signups are refused visibly, never accepted and dropped; nothing needs a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDataTier, type DataTier } from '../scripts/local/data-tier';
import { startLocalStack, type LocalStack } from '../scripts/local/stack';
import { signedFetch } from '../scripts/local/signed-fetch';

const json = { 'Content-Type': 'application/json' };
const student = (i: number) => ({ name: `Fault ${i}`, age: '40', email: `fault${i}@example.com`, country: 'Iceland' });

describe('data tier outage', () => {
  let stack: LocalStack;
  let dataDir: string;
  let restarted: DataTier | undefined;
  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'students-fault-'));
    stack = await startLocalStack({ webPort: 0, apiPort: 0, dataDir });
  });
  afterAll(async () => {
    await stack.stop();
    await restarted?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the API answers 5xx JSON, the UI says so, signups are refused and not stored, and all recovers without a restart', async () => {
    expect(
      (await signedFetch(stack.studentUrl, { method: 'POST', headers: json, body: JSON.stringify(student(1)) })).status,
    ).toBe(200);
    const port = stack.data.port;
    await stack.data.close();

    const list = await signedFetch(stack.studentUrl);
    expect([500, 503]).toContain(list.status);
    expect(list.headers.get('content-type')).toBe('application/json');
    expect(Object.keys((await list.json()) as object)).toEqual(['message']);

    const refused = await signedFetch(stack.studentUrl, {
      method: 'POST',
      headers: json,
      body: JSON.stringify(student(2)),
    });
    expect([500, 503]).toContain(refused.status);
    expect(((await refused.json()) as { message: string }).message).toMatch(/unavailable|could not/);

    const page = await (await fetch(stack.webUrl)).text();
    expect(page).toContain('The student list is unavailable right now');
    const form = await fetch(`${stack.webUrl}/students`, {
      method: 'POST',
      body: new URLSearchParams(student(3)),
      redirect: 'manual',
    });
    // Post/redirect/get: the page the browser is sent back to says what happened.
    expect([form.status, form.headers.get('location')]).toEqual([303, '/']);
    const failed = await fetch(stack.webUrl, { headers: { cookie: form.headers.getSetCookie()[0]!.split(';')[0]! } });
    expect(await failed.text()).toContain(
      'We could not confirm your signup: it may or may not have been saved. Submitting the form again is safe',
    );
    expect((await fetch(`${stack.webUrl}/healthz`)).status).toBe(200);

    // The store comes back on the same port with the same files; the functions reconnect by themselves.
    restarted = await startDataTier({ port, dataDir });
    expect(
      (await signedFetch(stack.studentUrl, { method: 'POST', headers: json, body: JSON.stringify(student(4)) })).status,
    ).toBe(200);
    const emails = ((await (await signedFetch(stack.studentUrl)).json()) as { email: string }[])
      .map((s) => s.email)
      .sort();
    // Accepted before and after the outage are there; the refused ones were never stored.
    expect(emails).toEqual(['fault1@example.com', 'fault4@example.com']);
    expect(await (await fetch(stack.webUrl)).text()).toContain('<td data-label="Name">Fault 4</td>');
  });
});

describe('API tier outage', () => {
  test('the UI degrades to "list unavailable" and /healthz stays 200', async () => {
    const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
    try {
      await stack.api.close();
      const page = await fetch(stack.webUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('The student list is unavailable right now');
      expect((await fetch(`${stack.webUrl}/healthz`)).status).toBe(200);
      expect((await fetch(`${stack.webUrl}/readyz`)).status).toBe(503);
    } finally {
      await stack.stop();
    }
  });
});
