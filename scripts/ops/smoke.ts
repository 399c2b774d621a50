/**
 * `npm run smoke`: checks a deployed environment after a deploy, from its Terraform outputs:
 * the site's /healthz and /, the API's GET, and with --post a signup of a clearly marked test
 * student through the form, which it then deletes from the table again (with the operator's AWS
 * credentials; its name-words entries too), so the directory never shows it for long. Exits
 * non-zero on any failure.
 *   npm run smoke [-- --post]                 # the environment of STUDENTS_ENV, from its outputs
 *   npm run smoke -- --site-url URL --api-url URL [--post]
 *   npm run smoke -- --local [--post]         # the same checks against a local stack it starts
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { STUDENTS_TABLE, tableNameFor } from '../../core/contract';
import { NAME_WORDS, wordEntriesOf, wordsTableOf } from '../../core/name-words';
import { validateStudent } from '../../core/student';
import { loadConfig, nameOf } from '../../stacks/config';
import { localClient } from '../local/data-tier';
import { EXIT, runMain, UsageError } from './cli';
import { batchWriteAll } from './backfill-words';
import { stackOutputs } from './output';
import { stackDir, synthesize } from './terraform';
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

/** Where the test student is deleted from: the table, and a client with the operator's credentials. */
export interface SmokeTable {
  readonly client: DynamoDBClient;
  readonly table: string;
}

const SMOKE_COUNTRY = 'Smoke Test';

/** Deletes the smoke student and its name-words entries; only a record that is one (marked so). */
async function deleteSmokeStudent(where: SmokeTable, fields: Record<string, string>): Promise<string> {
  const checked = validateStudent(fields);
  if (!checked.ok) throw new Error(`the test student is not valid: ${checked.message}`);
  const db = DynamoDBDocumentClient.from(where.client);
  await db.send(
    new DeleteCommand({
      TableName: where.table,
      Key: { [STUDENTS_TABLE.partitionKey]: checked.student.email },
      ConditionExpression: 'country = :c AND begins_with(#pk, :p)',
      ExpressionAttributeNames: { '#pk': STUDENTS_TABLE.partitionKey },
      ExpressionAttributeValues: { ':c': SMOKE_COUNTRY, ':p': 'smoke-test-' },
    }),
  );
  const words = wordEntriesOf(checked.student).map((e) => ({
    DeleteRequest: {
      Key: { [NAME_WORDS.partitionKey]: e[NAME_WORDS.partitionKey], [NAME_WORDS.sortKey]: e[NAME_WORDS.sortKey] },
    },
  }));
  await batchWriteAll(db, wordsTableOf(where.table), words);
  return `deleted ${checked.student.email} and its ${words.length} name-words entries from ${where.table}`;
}

export async function smoke(
  siteUrl: string,
  apiUrl: string,
  options: { post: boolean; table?: SmokeTable },
): Promise<SmokeResult[]> {
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
    const stamp = new Date().toISOString().replace(/[-:.TZ]/g, '');
    const fields = {
      name: `SMOKE TEST ${stamp}`,
      age: '99',
      email: `smoke-test-${stamp}@example.com`,
      country: SMOKE_COUNTRY,
    };
    const signup = await check('portal signup (test student)', async () => {
      // Through the form, as a student signs up: the portal signs its call to the API.
      const r = await fetch(`${siteUrl}/students`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
        signal: AbortSignal.timeout(10_000),
      });
      if (r.status !== 303 || r.headers.get('location') !== '/registered')
        throw new Error(`answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      return `303 to the confirmation; signed up ${fields.email}`;
    });
    results.push(signup);
    const table = options.table;
    if (signup.ok && table)
      results.push(
        await check('test student deleted again', async () => {
          const done = await deleteSmokeStudent(table, fields);
          const page = await get(`${siteUrl}/`);
          if (page.text.includes(fields.name)) throw new Error(`${done}, but the portal still lists it`);
          return `${done}; the portal no longer lists it`;
        }),
      );
  }
  return results;
}

/** The site's and API's URLs, from the frontend stack's outputs. */
export async function outputs(): Promise<{ siteUrl: string; apiUrl: string }> {
  const config = loadConfig(process.env);
  const stack = nameOf(config, 'frontend');
  if (!existsSync(path.join(stackDir(stack), 'cdk.tf.json'))) await synthesize(config);
  const out = (await stackOutputs(stack)) as Record<string, { value: string }>;
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
  let table: SmokeTable;
  if (args.local) {
    const stack = await startLocalStack({ webPort: 0, apiPort: 0 });
    stop = stack.stop;
    target = { siteUrl: stack.webUrl, apiUrl: stack.studentUrl };
    table = { client: localClient(stack.dataEndpoint), table: stack.tableName };
  } else {
    target = args.siteUrl && args.apiUrl ? { siteUrl: args.siteUrl, apiUrl: args.apiUrl } : await outputs();
    const config = loadConfig(process.env);
    table = { client: new DynamoDBClient({ region: config.region }), table: tableNameFor(config.environment) };
  }
  try {
    console.log(`smoke: site ${target.siteUrl}, API ${target.apiUrl}`);
    const results = await smoke(target.siteUrl.replace(/\/$/, ''), target.apiUrl, { post: args.post, table });
    for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name}: ${r.detail}`);
    const failed = results.filter((r) => !r.ok).length;
    console.log(`smoke: ${results.length - failed} passed, ${failed} failed`);
    return failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    table.client.destroy();
    await stop?.();
  }
}

if (require.main === module) runMain(main);
