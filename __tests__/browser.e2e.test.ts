/**
 * End to end in a real browser (a system Chromium, or the one @sparticuz/chromium ships),
 * driven by playwright-core, against the local three-tier stack. Screenshots go to a temporary
 * folder (STUDENTS_SCREENSHOT_DIR keeps them somewhere else).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../scripts/local/stack';
import { readFileSync } from 'node:fs';
import { launchBrowser } from './helpers/browser';

const SHOTS = process.env.STUDENTS_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'students-shots-'));

let stack: LocalStack;
let browser: BrowserContext;
let profile: string;
let page: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startLocalStack({ webPort: 0, apiPort: 0 });
  profile = mkdtempSync(path.join(os.tmpdir(), 'students-chromium-'));
  // A fresh profile directory per run; Playwright passes it as --user-data-dir.
  browser = await launchBrowser(profile);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  rmSync(profile, { recursive: true, force: true });
  if (!process.env.STUDENTS_SCREENSHOT_DIR) rmSync(SHOTS, { recursive: true, force: true });
});
beforeEach(async () => {
  page = await browser.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});
afterEach(async () => {
  await page.close();
});

async function signUp(values: { name: string; age: string; email: string; country: string }) {
  await page.goto(stack.webUrl);
  await page.getByLabel('Name', { exact: true }).fill(values.name);
  await page.getByLabel('Age', { exact: true }).fill(values.age);
  await page.getByLabel('Email', { exact: true }).fill(values.email);
  await page.getByLabel('Country', { exact: true }).fill(values.country);
  await Promise.all([
    page.waitForURL(/registered=1|\/students/),
    page.getByRole('button', { name: 'Sign up' }).click(),
  ]);
}

test('fill in and submit the form, then see the student in the list', async () => {
  await signUp({ name: 'Ada Lovelace', age: '36', email: 'ada@example.com', country: 'United Kingdom' });
  await page.getByRole('status').filter({ hasText: 'registered' }).waitFor();
  const row = page.locator('table.students tbody tr', { hasText: 'ada@example.com' });
  await expect(row.locator('td').allTextContents()).resolves.toEqual([
    'Ada Lovelace',
    '36',
    'ada@example.com',
    'United Kingdom',
  ]);
  await page.screenshot({ path: path.join(SHOTS, 'portal.png'), fullPage: true });
});

test('field errors: a summary that links them takes the focus; each message sits above its field; values kept', async () => {
  await signUp({ name: 'Bad Age', age: '500', email: 'not-an-email', country: 'Norway' });
  expect(new URL(page.url()).pathname).toBe('/students');
  await expect(page.locator('#age-error').textContent()).resolves.toContain(
    'Enter your age as a whole number from 1 to 150, like 21',
  );
  await expect(page.locator('#email-error').textContent()).resolves.toContain('Enter an email address with one @');
  await expect(page.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Bad Age');
  await expect(page.locator('#error-summary').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(
    true,
  );
  await expect(page.title()).resolves.toBe('Error: Student Registration Portal');
  await page.getByRole('link', { name: 'Enter your age as a whole number from 1 to 150, like 21' }).click();
  await expect(page.locator('#age').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
  await page.screenshot({ path: path.join(SHOTS, 'field-errors.png'), fullPage: true });
});

test('without our script the error summary still takes the focus (autofocus in the HTML)', async () => {
  const p = await browser.newPage();
  try {
    await p.route('**/static/app.js', (route) => route.abort());
    await p.goto(stack.webUrl);
    await p.getByLabel('Age', { exact: true }).fill('abc');
    await Promise.all([p.waitForURL(/\/students/), p.getByRole('button', { name: 'Sign up' }).click()]);
    await expect(p.locator('#error-summary').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(
      true,
    );
  } finally {
    await p.close();
  }
});

test('a hostile name shows as text and does not run', async () => {
  const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  await signUp({ name: hostile, age: '20', email: 'mallory@example.com', country: 'Nowhere' });
  const cell = page.locator('table.students tbody tr', { hasText: 'mallory@example.com' }).locator('td').first();
  await expect(cell.textContent()).resolves.toBe(hostile);
  await expect(page.locator('table.students img').count()).resolves.toBe(0);
  expect(dialogs).toEqual([]);
});

test('page through more than one page of students', async () => {
  for (let i = 0; i < 60; i++) {
    const res = await fetch(stack.studentUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: `Pager ${String(i).padStart(2, '0')}`,
        age: '30',
        email: `pager${i}@example.com`,
        country: 'Finland',
      }),
    });
    expect(res.status).toBe(200);
  }
  await page.goto(stack.webUrl);
  const firstPage = await page.locator('table.students tbody tr td:nth-child(3)').allTextContents();
  expect(firstPage).toHaveLength(50);
  await page.getByRole('link', { name: /Next/ }).click();
  await page.getByText('Page 2', { exact: true }).waitFor();
  const secondPage = await page.locator('table.students tbody tr td:nth-child(3)').allTextContents();
  expect(secondPage.length).toBeGreaterThan(0);
  expect(secondPage.filter((e) => firstPage.includes(e))).toEqual([]);
  await page.screenshot({ path: path.join(SHOTS, 'page-2.png'), fullPage: true });
  await page.getByRole('link', { name: /Previous/ }).click();
  await page.getByText('Page 1', { exact: true }).waitFor();
  await expect(page.locator('table.students tbody tr td:nth-child(3)').allTextContents()).resolves.toEqual(firstPage);
});

/** axe-core's WCAG 2.1 A and AA rules on the page as it is; the violations, by rule and target. */
async function axeViolations(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's strict CSP does not govern.
  await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await p.evaluate(() =>
    (
      globalThis as unknown as {
        axe: { run: (o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }),
  );
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

test('an accessibility audit (axe-core, WCAG 2.1 A and AA): no violations on the list, the field errors, the confirmation, at 1280 and 390 px', async () => {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(stack.webUrl);
    expect([width, 'list', await axeViolations(page)]).toEqual([width, 'list', []]);
    await signUp({ name: '', age: 'abc', email: 'nope', country: '' });
    expect([width, 'errors', await axeViolations(page)]).toEqual([width, 'errors', []]);
    await signUp({ name: `Audit ${width}`, age: '30', email: `audit${width}@example.com`, country: 'Norway' });
    expect([width, 'registered', await axeViolations(page)]).toEqual([width, 'registered', []]);
  }
});
