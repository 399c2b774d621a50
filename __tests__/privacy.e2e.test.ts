/**
 * Who sees what, in a real browser against the local stack in each mode the public can meet:
 * `names` shows names and nothing else, and an exact-email search reveals nothing; `staff` shows
 * the form and no list, and staff who sign in (through the stand-in for the load balancer's
 * sign-in, as `npm start` runs it) see every field until they sign out. Each state passes axe (WCAG 2.2 AA), reflows at 320 px, and is
 * photographed (`npm run screenshots` keeps the pictures in docs/screenshots).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { DirectoryMode } from '../core/contract';
import { generatedStudent, seedStudents } from '../scripts/local/seed';
import { type LocalStack, startLocalStack } from '../scripts/local/stack';
import { axeViolations, launchBrowser, overflow } from './helpers/browser';

const SHOTS = process.env.STUDENTS_SCREENSHOT_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'students-shots-'));
const STUDENTS = Array.from({ length: 40 }, (_, i) => generatedStudent(i));

let browser: BrowserContext;
let profile: string;
beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  profile = mkdtempSync(path.join(os.tmpdir(), 'students-chromium-'));
  browser = await launchBrowser(profile);
});
afterAll(async () => {
  await browser?.close();
  rmSync(profile, { recursive: true, force: true });
  if (!process.env.STUDENTS_SCREENSHOT_DIR) rmSync(SHOTS, { recursive: true, force: true });
});

/** The local stack in one mode, seeded, for the tests inside. */
function inMode(mode: DirectoryMode, tests: (site: () => string) => void) {
  describe(`STUDENTS_DIRECTORY=${mode}`, () => {
    let stack: LocalStack;
    beforeAll(async () => {
      stack = await startLocalStack({ webPort: 0, apiPort: 0, directory: mode, staffSignIn: mode === 'staff' });
      await seedStudents(stack.data.endpoint, stack.tableName, STUDENTS);
    });
    afterAll(() => stack?.stop());
    tests(() => stack.webUrl);
  });
}

/** axe and reflow at 1280 and 320 px, and a picture of each. */
async function audit(p: Page, state: string): Promise<void> {
  for (const width of [1280, 320]) {
    await p.setViewportSize({ width, height: 900 });
    expect([state, width, await overflow(p), await axeViolations(p)]).toEqual([state, width, 0, []]);
    await p.screenshot({ path: path.join(SHOTS, `${state}-${width}.png`), fullPage: true });
  }
}

const pageText = async (p: Page) => (await p.locator('body').textContent()) ?? '';

inMode('names', (site) => {
  test('anonymous visitors see names, never an email, age or country; an exact-email search reveals nothing', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(site());
      const text = await pageText(page);
      expect(text).toContain(STUDENTS[0]?.name);
      for (const s of STUDENTS) expect(text).not.toContain(s.email);
      expect(await page.locator('th').allTextContents()).toEqual(['Name']);
      await audit(page, 'directory-names');
      const searchFor = async (q: string) => {
        await page.getByLabel('Find a student').fill(q);
        await Promise.all([page.waitForURL(/./), page.getByRole('button', { name: 'Search' }).click()]);
        await page.waitForLoadState();
        return pageText(page);
      };
      const known = await searchFor(String(STUDENTS[3]?.email));
      expect(known).toContain('Search by name: this directory does not search email addresses');
      expect(known).not.toContain(STUDENTS[3]?.name);
      const unknown = await searchFor('nobody.here@example.com');
      expect(unknown.replace('nobody.here@example.com', 'Q')).toBe(known.replace(String(STUDENTS[3]?.email), 'Q'));
      const byName = await searchFor(String(STUDENTS[3]?.name));
      expect(byName).toContain(STUDENTS[3]?.name);
    } finally {
      await page.close();
    }
  });
});

inMode('staff', (site) => {
  test('anonymous visitors see the form and no list; the privacy notice says the directory is for staff', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(site());
      const text = await pageText(page);
      expect(text).toContain('The list of students is for school staff only.');
      for (const s of STUDENTS) expect(text).not.toContain(s.name);
      expect(await page.locator('table').count()).toBe(0);
      await audit(page, 'directory-staff');
      await page.getByRole('link', { name: 'Privacy notice' }).click();
      await page.waitForURL(/\/privacy$/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Privacy notice');
      expect(await pageText(page)).toContain('Only school staff see the list of students');
      await audit(page, 'privacy-notice-staff');
    } finally {
      await page.close();
    }
  });

  test('staff sign in and see every field, never cached; after signing out, /staff asks again', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${site()}/staff`);
      await page.getByLabel('Email').fill('registrar@school.example');
      await Promise.all([page.waitForURL(/\/staff$/), page.getByRole('button', { name: 'Sign in' }).click()]);
      const text = await pageText(page);
      expect(text).toContain('Signed in as registrar@school.example (staff)');
      expect(text).toContain(STUDENTS[0]?.email);
      expect(await page.locator('th').allTextContents()).toEqual(['Name', 'Age', 'Email', 'Country', 'Action']);
      await audit(page, 'directory-staff-signed-in');
      // Remove a student: a confirmation first, then gone from the directory.
      const leaving = String(STUDENTS[1]?.name);
      await Promise.all([
        page.waitForURL(/\/staff\/remove\?/),
        page.getByRole('link', { name: `Remove ${leaving}` }).click(),
      ]);
      await audit(page, 'staff-remove-confirm');
      await Promise.all([
        page.waitForURL(/\/staff\/removed\?/),
        page.getByRole('button', { name: `Remove ${leaving}` }).click(),
      ]);
      expect(await pageText(page)).toContain(`${leaving} is no longer registered`);
      await audit(page, 'staff-removed');
      await page.goto(`${site()}/staff`);
      expect(await pageText(page)).not.toContain(String(STUDENTS[1]?.email));
      await Promise.all([page.waitForURL(/\/$/), page.getByRole('link', { name: 'Sign out' }).click()]);
      await page.goto(`${site()}/staff`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Staff sign-in');
    } finally {
      await page.close();
    }
  });
});
