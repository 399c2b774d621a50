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
  await page.getByLabel('Name').fill(values.name);
  await page.getByLabel('Age').fill(values.age);
  await page.getByLabel('Email').fill(values.email);
  await page.getByLabel('Country').fill(values.country);
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

test('field errors show beside the fields, with the values kept and focus on the first', async () => {
  await signUp({ name: 'Bad Age', age: '500', email: 'not-an-email', country: 'Norway' });
  expect(new URL(page.url()).pathname).toBe('/students');
  await expect(page.locator('#age-error').textContent()).resolves.toContain(
    'Enter your age as a whole number from 1 to 150, like 21',
  );
  await expect(page.locator('#email-error').textContent()).resolves.toContain('Enter an email address with one @');
  await expect(page.getByLabel('Name').inputValue()).resolves.toBe('Bad Age');
  await expect(page.locator('#age').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
  await page.screenshot({ path: path.join(SHOTS, 'field-errors.png'), fullPage: true });
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
