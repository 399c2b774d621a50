/**
 * The browser the end-to-end tests drive: CHROMIUM_PATH when set, else a system Chrome or
 * Chromium when one is installed, else the Chromium that the @sparticuz/chromium package ships
 * inside itself (unpacked into the temporary folder on first use; never a download).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];
/** Flags for a headless run on a machine with no network but loopback (see the env notes). */
const QUIET_FLAGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-gpu',
];

export interface BrowserChoice {
  readonly executablePath: string;
  readonly args: readonly string[];
  /** Where it came from, for the test log. */
  readonly source: string;
}

export function chooseBrowser(env: NodeJS.ProcessEnv = process.env): BrowserChoice {
  if (env.CHROMIUM_PATH)
    return { executablePath: env.CHROMIUM_PATH, args: ['--no-sandbox', ...QUIET_FLAGS], source: 'CHROMIUM_PATH' };
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return { executablePath: system, args: ['--no-sandbox', ...QUIET_FLAGS], source: 'system' };
  // The package is an ES module; a child Node unpacks it and reports where, so jest's CommonJS
  // module system never has to load it.
  const script =
    "import('@sparticuz/chromium').then(async ({ default: c }) => process.stdout.write(JSON.stringify({ path: await c.executablePath(), args: c.args })))";
  const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: __dirname })) as {
    path: string;
    args: string[];
  };
  return { executablePath: out.path, args: [...out.args, ...QUIET_FLAGS], source: '@sparticuz/chromium' };
}

/** A headless browser with a fresh profile in `profileDir`. */
export async function launchBrowser(
  profileDir: string,
  viewport = { width: 1280, height: 900 },
  options: { javaScriptEnabled?: boolean } = {},
): Promise<BrowserContext> {
  const choice = chooseBrowser();
  return chromium.launchPersistentContext(profileDir, {
    executablePath: choice.executablePath,
    headless: true,
    viewport,
    args: [...choice.args],
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
}

/** axe-core's WCAG 2.1 A and AA rules on the page as it is; the violations, by rule and target. */
export async function axeViolations(p: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, which the page's strict CSP does not govern.
  await p.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await p.evaluate(() =>
    (
      globalThis as unknown as {
        axe: { run: (o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }),
  );
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

/** How far the page scrolls sideways (0 when it reflows, WCAG 1.4.10). */
export const overflow = (p: Page) =>
  p.locator('html').evaluate((html) => html.scrollWidth - (html.ownerDocument.defaultView?.innerWidth ?? 0));
