/**
 * End to end in a real browser (a system Chromium, or the one @sparticuz/chromium ships), driven
 * by playwright-core, against the local three-tier stack with 300 students. Every state is audited
 * with axe-core and photographed at 1280 and 390 px into a temporary folder
 * (`npm run screenshots` keeps them in docs/screenshots).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { foldName, nameKeyOf } from '../core/directory';
import { generatedStudent, seedStudents } from '../scripts/local/seed';
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { launchBrowser } from './helpers/browser';
import { signedFetch } from '../scripts/local/signed-fetch';

const SHOTS = process.env.STUDENTS_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'students-shots-'));
const SEEDED = 300;
const WIDTHS = [1280, 390] as const;

let stack: LocalStack;
let browser: BrowserContext;
const profiles: string[] = [];
let page: Page;
const dialogs: string[] = [];

function profile(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'students-chromium-'));
  profiles.push(dir);
  return dir;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startLocalStack({ webPort: 0, apiPort: 0 });
  await seedStudents(
    stack.data.endpoint,
    stack.tableName,
    Array.from({ length: SEEDED }, (_, i) => generatedStudent(i)),
  );
  browser = await launchBrowser(profile());
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  if (!process.env.STUDENTS_SCREENSHOT_DIR) rmSync(SHOTS, { recursive: true, force: true });
});
beforeEach(async () => {
  page = await browser.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
});
afterEach(() => page.close());

/** axe-core's WCAG 2.1 A and AA rules on the page as it is; the violations, by rule and target. */
async function axeViolations(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's strict CSP does not govern.
  await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await p.evaluate(() =>
    (
      globalThis as unknown as {
        axe: { run: (o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** A state of the portal at each width: axe finds no violation, and a full-page screenshot is kept. */
async function capture(p: Page, state: string): Promise<void> {
  for (const width of WIDTHS) {
    await p.setViewportSize({ width, height: 900 });
    expect([state, width, await axeViolations(p)]).toEqual([state, width, []]);
    await p.screenshot({ path: path.join(SHOTS, `${state}-${width}.png`), fullPage: true });
  }
  await p.setViewportSize({ width: WIDTHS[0], height: 900 });
}

interface Row {
  name: string;
  email: string;
}
/** The list's rows as shown: the name cell's own text (without the "You" tag) and the email. */
function rows(p: Page): Promise<Row[]> {
  return p.locator('table.students tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({
      name: (tr.querySelector('td[data-label="Name"]')?.firstChild?.textContent ?? '').trim(),
      email: (tr.querySelector('td[data-label="Email"]')?.textContent ?? '').trim(),
    })),
  );
}
const orderKey = (r: Row) => Buffer.from(nameKeyOf(r));
function expectInOrder(list: Row[]): void {
  for (let i = 1; i < list.length; i++)
    expect([list[i - 1], Buffer.compare(orderKey(list[i - 1]!), orderKey(list[i]!))]).toEqual([list[i - 1], -1]);
}

async function submit(p: Page, values: { name: string; age: string; email: string; country: string }) {
  await p.goto(stack.webUrl);
  for (const [label, value] of Object.entries({ Name: values.name, Age: values.age, Email: values.email }))
    await p.getByLabel(label, { exact: true }).fill(value);
  await p.getByLabel('Country', { exact: true }).fill(values.country);
  await Promise.all([p.waitForURL(/\/registered|\/students/), p.getByRole('button', { name: 'Sign up' }).click()]);
}

/** Waits for `action` to take the page to another URL (a sealed link differs from the one before). */
async function navigated(p: Page, action: Promise<void>): Promise<void> {
  const from = p.url();
  await Promise.all([p.waitForURL((url) => url.toString() !== from), action]);
}

test('sign up among 300 students: the confirmation names the student, and its link finds their row', async () => {
  await page.goto(stack.webUrl);
  await capture(page, 'list');
  await submit(page, { name: 'Zara Newcomer', age: '21', email: 'Zara@Example.com', country: 'Peru' });
  expect(new URL(page.url()).pathname).toBe('/registered');
  await page.getByRole('heading', { name: 'Registration complete' }).waitFor();
  await page.getByText('Zara Newcomer is registered').waitFor();
  await capture(page, 'confirmation');
  await Promise.all([page.waitForURL(/list=/), page.getByRole('link', { name: 'See your place in the list' }).click()]);
  expect(page.url()).not.toMatch(/@|%40/);
  const you = page.locator('tr.is-you');
  await expect(you.locator('td').first().textContent()).resolves.toBe('Zara Newcomer You');
  await expect(you.isVisible()).resolves.toBe(true);
  await capture(page, 'your-place');
  // The page before ends just before Zara, in the same order.
  const here = await rows(page);
  await navigated(page, page.getByRole('link', { name: 'Previous page' }).click());
  const before = await rows(page);
  expect(before).toHaveLength(50);
  expectInOrder([...before, ...here]);
});

test('walk every page forward and back: one global order, none twice, none missing', async () => {
  const total = ((await (await signedFetch(stack.studentUrl)).json()) as unknown[]).length;
  expect(total).toBeGreaterThanOrEqual(SEEDED);
  await page.goto(stack.webUrl);
  const forward: Row[][] = [];
  for (;;) {
    forward.push(await rows(page));
    await page.getByText(`Page ${forward.length}`, { exact: true }).waitFor();
    if (forward.length === 2) await capture(page, 'page-2');
    const next = page.getByRole('link', { name: 'Next page' });
    if ((await next.count()) === 0) break;
    await navigated(page, next.click());
  }
  const all = forward.flat();
  expect(all).toHaveLength(total);
  expect(new Set(all.map((r) => r.email)).size).toBe(total);
  expectInOrder(all);
  for (let i = forward.length - 2; i >= 0; i--) {
    await navigated(page, page.getByRole('link', { name: 'Previous page' }).click());
    await page.getByText(`Page ${i + 1}`, { exact: true }).waitFor();
    await expect(rows(page)).resolves.toEqual(forward[i]);
  }
  await expect(page.getByRole('link', { name: 'Previous page' }).count()).resolves.toBe(0);
});

test('search by the start of a name (any case and accents) and by a whole email', async () => {
  await page.goto(stack.webUrl);
  await page.getByLabel('Find a student').fill('ÉMILE d');
  await Promise.all([page.waitForURL(/list=/), page.getByRole('button', { name: 'Search' }).click()]);
  expect(decodeURIComponent(page.url()).toLowerCase()).not.toContain('emile');
  const found = await rows(page);
  expect(found.length).toBeGreaterThan(0);
  for (const r of found) expect(foldName(r.name).startsWith('emile d')).toBe(true);
  expectInOrder(found);
  await capture(page, 'search');
  await page.getByLabel('Find a student').fill('STUDENT42@example.com');
  await navigated(page, page.getByRole('button', { name: 'Search' }).click());
  // The email was posted, and the page it led to is a sealed link: no address in the URL.
  expect(page.url()).not.toMatch(/@|%40|student42/i);
  await expect(rows(page)).resolves.toEqual([{ name: generatedStudent(42).name, email: 'student42@example.com' }]);
});

test('without JavaScript, field errors: a summary that links them has the focus, messages above the fields', async () => {
  const noScript = await launchBrowser(profile(), { width: 1280, height: 900 }, { javaScriptEnabled: false });
  try {
    const p = await noScript.newPage();
    await submit(p, { name: 'Bad Age', age: 'twenty', email: 'not-an-email', country: '' });
    expect(new URL(p.url()).pathname).toBe('/students');
    await expect(p.title()).resolves.toBe('Error: Student Registration Portal');
    const summary = p.locator('#error-summary');
    await expect(summary.evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
    await expect(summary.getByRole('link').allTextContents()).resolves.toEqual([
      'Enter your age as a whole number from 1 to 150, like 21',
      'Enter an email address with one @, like name@example.com',
      'Enter a country',
    ]);
    await expect(p.locator('#age-error').textContent()).resolves.toContain('Error: Enter your age as a whole number');
    await expect(p.getByLabel('Name', { exact: true }).inputValue()).resolves.toBe('Bad Age');
    await p.getByRole('link', { name: 'Enter your age as a whole number from 1 to 150, like 21' }).click();
    await expect(p.locator('#age').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
  } finally {
    await noScript.close();
  }
  // axe-core runs on timers, which a page without JavaScript never fires: audit the same state with it.
  await submit(page, { name: 'Bad Age', age: 'twenty', email: 'not-an-email', country: '' });
  await capture(page, 'errors');
});

test('a hostile name shows as text and does not run', async () => {
  const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  await submit(page, { name: hostile, age: '20', email: 'mallory@example.com', country: 'Nowhere' });
  await page.getByText(`${hostile} is registered`).waitFor();
  await page.goto(stack.webUrl);
  await page.getByLabel('Find a student').fill('mallory@example.com');
  await navigated(page, page.getByRole('button', { name: 'Search' }).click());
  await expect(rows(page)).resolves.toEqual([{ name: hostile, email: 'mallory@example.com' }]);
  await expect(page.locator('main img').count()).resolves.toBe(0);
  expect(dialogs).toEqual([]);
});
