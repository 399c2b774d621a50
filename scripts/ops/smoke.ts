/**
 * `npm run smoke`: checks a deployed environment after a deploy, from its Terraform outputs:
 * the site's /healthz and /, the API's GET, and with --post a signup of a clearly marked test
 * student, which it reports. Exits non-zero on any failure.
 *   npm run smoke [-- --post]                 # the environment of STUDENTS_ENV, from its outputs
 *   npm run smoke -- --site-url URL --api-url URL [--post]
 *   npm run smoke -- --local [--post]         # the same checks against a local stack it starts
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, nameOf } from '../../stacks/config';
import { EXIT, runMain, UsageError } from './cli';
import { stackDir, synthesize, terraform } from './terraform';
import { startLocalStack } from '../local/stack';
import { strictArgs } from '../args';

export interface SmokeResult {
  name: string;
  ok: boolean;
  detail: string;
}

async function check(name: string, fn: () => Promise<string>): Promise<SmokeResult> {
  try {
    return { name, ok: true, detail: await fn() };
  } catch (err) {
    return { name, ok: false, detail: (err as Error).message };
  }
}

async function get(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

export async function smoke(siteUrl: string, apiUrl: string, options: { post: boolean }): Promise<SmokeResult[]> {
  const results: SmokeResult[] = [];
  results.push(
    await check('site /healthz', async () => {
      const r = await get(`${siteUrl}/healthz`);
      if (r.status !== 200 || JSON.parse(r.text).status !== 'ok')
        throw new Error(`answered ${r.status}: ${r.text.slice(0, 200)}`);
      return '200 ok';
    }),
  );
  results.push(
    await check('site /', async () => {
      const r = await get(`${siteUrl}/`);
      if (r.status !== 200 || !r.text.includes('Student Registration Portal')) throw new Error(`answered ${r.status}`);
      if (r.text.includes('list is unavailable')) throw new Error('the page says the student list is unavailable');
      return '200, the portal with its list';
    }),
  );
  results.push(
    await check('API, called anonymously', async () => {
      const r = await get(`${apiUrl}?limit=5`);
      // IAM access (the default): only the portal's signed calls get in, so the list above proves them.
      if (r.status === 403) return '403: only signed calls of the portal get in (IAM access)';
      const body = JSON.parse(r.text);
      if (r.status !== 200 || !Array.isArray(body)) throw new Error(`answered ${r.status}: ${r.text.slice(0, 200)}`);
      return `200, ${body.length} student(s) on the first page of 5 (public access)`;
    }),
  );
  if (options.post) {
    results.push(
      await check('portal signup (test student)', async () => {
        const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
        const email = `smoke-test-${stamp}@example.com`;
        // Through the form, as a student signs up: the portal signs its call to the API.
        const r = await fetch(`${siteUrl}/students`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ name: `SMOKE TEST ${stamp}`, age: '99', email, country: 'Smoke Test' }),
          signal: AbortSignal.timeout(10_000),
        });
        if (r.status !== 303 || r.headers.get('location') !== '/registered')
          throw new Error(`answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
        return `303 to the confirmation; signed up ${email} (a marked test record: delete it with the AWS console or CLI if unwanted)`;
      }),
    );
  }
  return results;
}

/** The frontend stack's outputs; it initializes the stack's folder first (quietly), so no operator step is needed. */
export async function outputs(): Promise<{ siteUrl: string; apiUrl: string }> {
  const config = loadConfig(process.env);
  const stack = nameOf(config, 'frontend');
  if (!existsSync(path.join(stackDir(stack), 'cdk.tf.json'))) await synthesize(config);
  if (!existsSync(path.join(stackDir(stack), '.terraform'))) {
    const init = await terraform(stack, ['init', '-input=false', '-no-color'], { capture: true });
    if (init.code !== 0) throw new Error(`terraform init failed for ${stack}: ${init.stderr.trim()}`);
  }
  const res = await terraform(stack, ['output', '-json'], { capture: true });
  if (res.code !== 0) throw new Error(`terraform output failed for ${stack} (is it deployed?): ${res.stderr.trim()}`);
  const out = JSON.parse(res.stdout) as Record<string, { value: string }>;
  if (!out.site_url || !out.api_url) throw new Error(`${stack} has no site_url/api_url outputs yet: is it deployed?`);
  return { siteUrl: out.site_url.value, apiUrl: out.api_url.value };
}

export const USAGE = 'usage: npm run smoke -- [--post] [--local | --site-url <url> --api-url <url>]';

function parseSmokeArgs(argv: readonly string[]): { post: boolean; local: boolean; siteUrl?: string; apiUrl?: string } {
  const { values } = strictArgs(
    argv,
    {
      post: { type: 'boolean' },
      local: { type: 'boolean' },
      'site-url': { type: 'string' },
      'api-url': { type: 'string' },
    },
    USAGE,
  );
  const [siteUrl, apiUrl] = [values['site-url'], values['api-url']] as (string | undefined)[];
  if (Boolean(siteUrl) !== Boolean(apiUrl)) throw new UsageError(`--site-url and --api-url go together\n${USAGE}`);
  return {
    post: values.post === true,
    local: values.local === true,
    ...(siteUrl ? { siteUrl } : {}),
    ...(apiUrl ? { apiUrl } : {}),
  };
}

async function main(): Promise<number> {
  const args = parseSmokeArgs(process.argv.slice(2));
  let stop: (() => Promise<void>) | undefined;
  let target: { siteUrl: string; apiUrl: string };
  if (args.local) {
    const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
    stop = stack.stop;
    target = { siteUrl: stack.webUrl, apiUrl: stack.studentUrl };
  } else if (args.siteUrl && args.apiUrl) target = { siteUrl: args.siteUrl, apiUrl: args.apiUrl };
  else target = await outputs();
  try {
    console.log(`smoke: site ${target.siteUrl}, API ${target.apiUrl}`);
    const results = await smoke(target.siteUrl.replace(/\/$/, ''), target.apiUrl, { post: args.post });
    for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.detail}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await stop?.();
  }
}

if (require.main === module) runMain(main);
