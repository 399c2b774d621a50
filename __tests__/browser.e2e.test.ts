/**
 * End to end in a real browser (a system Chromium, or the one @sparticuz/chromium ships), driven
 * by playwright-core, against the local three-tier stack with 300 students and the longest values
 * the model accepts. Every state is audited with axe-core (WCAG 2.2 AA), checked to reflow (no
 * horizontal scrolling of the page) and photographed at 1280, 390 and 320 px into a temporary
 * folder (`npm run screenshots` keeps them in docs/screenshots).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { foldName, nameKeyOf } from '../core/directory';
import { generatedStudent, seedStudents } from '../scripts/local/seed';
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { axeViolations, launchBrowser, overflow } from './helpers/browser';
import { signedFetch } from '../scripts/local/signed-fetch';

const SHOTS = process.env.STUDENTS_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'students-shots-'));
const SEEDED = 300;
const WIDTHS = [1280, 390, 320] as const;
/** The longest values the model accepts: an unbroken 100-character name and a 254-character email. */
const LONGEST = {
  name: `Wolfeschlegelsteinhausenbergerdorff${'x'.repeat(65)}`,
  email: `${'l'.repeat(64)}@${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(57)}.com`,
  age: '150',
  country: 'Democratic Republic of the Congo',
};
/** Letters that do not decompose, and a name in a script that needs a joiner. */
const FOLDED = [
  { name: 'Øyvind Ægir', email: 'oyvind@example.com', age: '30', country: 'Norway' },
  { name: 'Łukasz Đorđević', email: 'lukasz@example.com', age: '31', country: 'Poland' },
  { name: 'Maeve d’Arcy', email: 'maeve@example.com', age: '32', country: 'Ireland' },
  { name: 'علی\u200Cرضا', email: 'alireza@example.com', age: '33', country: 'Iran' },
];

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
  // Every field shown: the reference view, whose layout has the most to reflow (privacy.e2e: the others).
  stack = await startLocalStack({ webPort: 0, apiPort: 0, directory: 'public' });
  await seedStudents(stack.data.endpoint, stack.tableName, [
    ...Array.from({ length: SEEDED }, (_, i) => generatedStudent(i)),
    LONGEST,
    ...FOLDED,
  ]);
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

/**
 * A state of the portal at each width: the page does not scroll sideways, axe finds no violation,
 * and a full-page screenshot is kept.
 */
async function capture(p: Page, state: string): Promise<void> {
  for (const width of WIDTHS) {
    await p.setViewportSize({ width, height: 900 });
    expect([state, width, await overflow(p)]).toEqual([state, width, 0]);
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
  // A failed signup comes back to the same URL (post/redirect/get): wait for the new document.
  await Promise.all([
    p.waitForEvent('framenavigated', (frame) => frame === p.mainFrame()),
    p.getByRole('button', { name: 'Sign up' }).click(),
  ]);
  await p.waitForLoadState();
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
  // The same link in another browser marks nobody: "You" needs this browser's confirmation.
  const other = await launchBrowser(profile());
  try {
    const p = await other.newPage();
    await p.goto(page.url());
    await expect(rows(p)).resolves.toEqual(await rows(page));
    await expect(p.locator('tr.is-you').count()).resolves.toBe(0);
  } finally {
    await other.close();
  }
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
  const current = () => page.locator('.pagination [aria-current="page"]').textContent();
  for (;;) {
    forward.push(await rows(page));
    await expect(current()).resolves.toBe(String(forward.length));
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
    await expect(current()).resolves.toBe(String(i + 1));
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

test('names are found as people type them: "Oyvind", "lukasz", "d\'arcy" (straight apostrophe), joiners aside', async () => {
  for (const [typed, expected] of [
    ['Oyvind', 'Øyvind Ægir'],
    ['lukasz dor', 'Łukasz Đorđević'],
    ["Maeve d'Arcy", 'Maeve d’Arcy'],
    ['علیرضا', 'علی\u200Cرضا'],
  ] as const) {
    await page.goto(stack.webUrl);
    await page.getByLabel('Find a student').fill(typed);
    await navigated(page, page.getByRole('button', { name: 'Search' }).click());
    await expect(rows(page)).resolves.toEqual([
      { name: expected, email: FOLDED.find((s) => s.name === expected)!.email },
    ]);
  }
  // In the whole list, Øyvind sorts among the O's, not after Z.
  expectInOrder([
    { name: 'Oyvind', email: 'o@x.org' },
    { name: 'Øyvind Ægir', email: 'oyvind@example.com' },
    { name: 'Zoe', email: 'z@x.org' },
  ]);
});

test('the longest name and email the model accepts wrap in the table, the cards and the confirmation', async () => {
  await page.goto(stack.webUrl);
  await page.getByLabel('Find a student').fill(LONGEST.email);
  await navigated(page, page.getByRole('button', { name: 'Search' }).click());
  await expect(rows(page)).resolves.toEqual([{ name: LONGEST.name, email: LONGEST.email }]);
  await capture(page, 'longest');
  const twin = { ...LONGEST, email: `m${LONGEST.email.slice(1)}` };
  await submit(page, twin);
  await page.getByText(`${twin.name} is registered`).waitFor();
  await capture(page, 'longest-confirmation');
  await navigated(page, page.getByRole('link', { name: 'See your place in the list' }).click());
  await expect(page.locator('tr.is-you td[data-label="Email"]').textContent()).resolves.toBe(twin.email);
  await capture(page, 'longest-your-place');
});

test('without JavaScript, field errors: a summary that links them has the focus, messages above the fields', async () => {
  const noScript = await launchBrowser(profile(), { width: 1280, height: 900 }, { javaScriptEnabled: false });
  try {
    const p = await noScript.newPage();
    await submit(p, { name: 'Bad Age', age: 'twenty', email: 'not-an-email', country: '' });
    // Post/redirect/get: the page with the errors is a GET of the form's page.
    expect(new URL(p.url()).pathname).toBe('/');
    await expect(p.title()).resolves.toBe('Error: Sign up – Student Registration Portal');
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

test('with JavaScript, a summary link focuses its field with the label, hint and message in view', async () => {
  await page.setViewportSize({ width: 390, height: 700 });
  await submit(page, { name: 'Bad Age', age: 'twenty', email: 'not-an-email', country: '' });
  await page.getByRole('link', { name: 'Enter an email address with one @, like name@example.com' }).click();
  await expect(page.locator('#email').evaluate((el) => el.ownerDocument.activeElement === el)).resolves.toBe(true);
  const top = (selector: string) => page.locator(selector).evaluate((el) => el.getBoundingClientRect().top);
  // The label is at the top of the screen, its message under it, then the input: all in view.
  // (less a rounding of the scroll position: a fraction of a pixel)
  expect(await top('label[for="email"]')).toBeGreaterThanOrEqual(-1);
  expect(await top('#email-error')).toBeGreaterThan(await top('label[for="email"]'));
  // Refresh, then Back: a GET each time, never "Confirm Form Resubmission".
  await page.reload();
  await page.goBack();
  expect(dialogs).toEqual([]);
  await expect(page.locator('#error-summary').count()).resolves.toBe(0);
});

test('in forced colours the buttons and the current page keep a visible border; focus on the header is white', async () => {
  await page.goto(stack.webUrl);
  const border = (selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate((el) => {
        const style = el.ownerDocument.defaultView!.getComputedStyle(el);
        return `${style.borderTopStyle} ${style.borderTopColor}`;
      });
  // Without forced colours the border is there but transparent; forced, it takes a system colour.
  expect(await border('.signup .button')).toBe('solid rgba(0, 0, 0, 0)');
  await page.emulateMedia({ forcedColors: 'active' });
  for (const selector of ['.signup .button', '.search .button', '.pagination__item--current'])
    expect([selector, await border(selector)]).toEqual([selector, expect.stringMatching(/^solid rgb\(/)]);
  await page.emulateMedia({ forcedColors: 'none' });
  // The header is dark blue: its link's focus ring is white (10.4:1), not the brand blue (1.55:1).
  await page.locator('.brand').focus();
  await expect(
    page.locator('.brand').evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).outlineColor),
  ).resolves.toBe('rgb(255, 255, 255)');
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
