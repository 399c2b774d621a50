/**
 * The plan guard over real AWS-provider plans (fixtures/plans/aws, made by Terraform 1.11 and
 * provider 5.100 from hand-built state: make-aws-plans.ts) and what its reports show: every
 * stateful change refused with what lets it through, sets compared by identity, JSON documents
 * diffed by structure, nothing dropped without saying so, Markdown that fits and cannot be broken.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HtmlValidate } from 'html-validate';
import MarkdownIt from 'markdown-it';
import { checkFiles, EXIT } from '../scripts/ops/plan-check';
import { analyse, type PlanJson, type PlanReport } from '../scripts/ops/plan-guard';
import { COMMENT_LIMIT, escapeMarkdown, renderMarkdownParts } from '../scripts/ops/plan-markdown';
import { renderJson, renderText, TEXT_ATTRIBUTES } from '../scripts/ops/plan-report';

const AWS = path.join(__dirname, 'fixtures', 'plans', 'aws');
const file = (name: string) => path.join(AWS, `${name}.json`);
const read = (name: string) => JSON.parse(readFileSync(file(name), 'utf8')) as PlanJson;
const guard = (name: string, allowDestroy: string[] = []) => analyse('students-prod-x', read(name), { allowDestroy });
const refusedOf = (r: PlanReport) => r.refusals.filter((f) => !f.allowed).map((f) => [f.address, f.allowName]);

describe('the guard knows every stateful change (real AWS-provider plans)', () => {
  test('a log group retention lowered 30 → 1 day is refused, naming the attribute to allow', () => {
    const r = guard('retention-decrease');
    expect(r.refusals[0]?.why).toBe('would lower the log retention from 30 days to 1 day: older logs are deleted');
    const allow = 'aws_cloudwatch_log_group.api-log-group.retention_in_days';
    expect(refusedOf(r)).toEqual([['aws_cloudwatch_log_group.api-log-group', allow]]);
    expect(refusedOf(guard('retention-decrease', [`students-prod-x:${allow}`]))).toEqual([]);
    // The log group itself is not allowed by naming the attribute's owner for a delete.
    expect(refusedOf(guard('retention-decrease', ['aws_cloudwatch_log_group.api-log-group']))).toHaveLength(1);
  });

  test('the alarm topic replaced and its key deleted are refused; the subscription and alarm that use it are named', () => {
    const r = guard('alarm-topic-replace');
    expect(refusedOf(r).map(([a]) => a)).toEqual(['aws_kms_key.alarm-key', 'aws_sns_topic.alarm-topic']);
    expect(r.refusals.find((f) => f.address === 'aws_sns_topic.alarm-topic')?.why).toMatch(
      /would replace it, and it is where alarms page: its subscriptions, including those added outside Terraform, go with it/,
    );
    expect(r.changes.find((c) => c.address === 'aws_sns_topic.alarm-topic')?.order).toBe('destroy-before-create');
    // One line to copy lets exactly these through, and nothing else is refused with it.
    const flags = renderText([r]).split('\n').at(-3)?.trim() ?? '';
    expect(flags).toBe(
      '--allow-destroy students-prod-x:aws_kms_key.alarm-key --allow-destroy students-prod-x:aws_sns_topic.alarm-topic',
    );
    const allowed = flags.split(' ').filter((_, i) => i % 2 === 1);
    expect(refusedOf(analyse('students-prod-x', read('alarm-topic-replace'), { allowDestroy: allowed }))).toEqual([]);
  });

  test('an index removed from the table is refused, and the diff matches blocks by name, not position', () => {
    const r = guard('index-removed');
    expect(refusedOf(r)).toEqual([
      ['aws_dynamodb_table.students-table', 'aws_dynamodb_table.students-table.index.by-name'],
    ]);
    const paths = r.changes[0]?.attributes.map((a) => a.path);
    expect(paths).toEqual(['attribute.[directory]', 'attribute.[nameKey]', 'global_secondary_index.[by-name]']);
    // Terraform's positional view would read as a rename of attribute 0 from "directory" to "email".
    expect(JSON.stringify(r)).not.toContain('attribute.0.name');
  });

  test('a changed index is refused; a capacity-only change is not', () => {
    const plan = read('index-removed');
    const rc = plan.resource_changes?.[0] as {
      change: { before: Record<string, unknown>; after: Record<string, unknown> };
    };
    const index = (rc.change.before.global_secondary_index as Record<string, unknown>[])[0] as Record<string, unknown>;
    rc.change.after = { ...rc.change.before, global_secondary_index: [{ ...index, projection_type: 'ALL' }] };
    expect(analyse('x', plan).refusals[0]?.why).toMatch(
      /would change the index "by-name": DynamoDB deletes and rebuilds it/,
    );
    rc.change.after = { ...rc.change.before, global_secondary_index: [{ ...index, read_capacity: 5 }] };
    expect(analyse('x', plan).refusals).toEqual([]);
  });

  test('a moved bucket then deleted is refused by the address it moved from; a move alone is shown as a move', () => {
    const r = guard('moved-bucket-delete');
    expect(r.refusals.map((f) => f.why)).toEqual([
      'would delete it (moved from aws_s3_bucket.artifact-bucket), and it holds the frontend artifacts the instances and rollbacks boot from',
    ]);
    const moved = guard('moved-bucket');
    expect(moved.refusals).toEqual([]);
    expect(renderText([moved])).toContain('moved    aws_s3_bucket.artifact-bucket → aws_s3_bucket.artifacts');
  });
});

describe('diffs that show everything', () => {
  test('61 changed tags: text shows 40 and says how many more; JSON has them all with the count', () => {
    const r = guard('sixty-one-tags');
    const text = renderText([r]);
    expect(text.match(/^ {13}[a-z_.0-9]+: /gm)).toHaveLength(TEXT_ATTRIBUTES);
    expect(text).not.toContain('DANGER-2');
    expect(text).toMatch(/… and \d+ more \(all of them: the stack's plan\.txt, or --json\)/);
    const change = JSON.parse(renderJson([r])).stacks[0].changes[0];
    expect(change.attributeCount).toBe(r.changes[0]?.attributes.length);
    expect(change.truncated).toBe(false);
    expect(change.attributes).toContainEqual({ path: 'tags.tag_59', before: '"old"', after: '"DANGER-2"' });
  });

  test('a JSON document in an attribute is diffed by structure: the dashboard period, not a 13,000-column line', () => {
    const text = renderText([guard('dashboard-period')]);
    expect(text).toContain('dashboard_body{}.widgets.0.properties.period: 300 → 60');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThan(200);
  });

  test('policy statements are matched by Sid, and sensitive values stay masked inside documents', () => {
    const policy = (actions: string[]) =>
      JSON.stringify({
        Statement: [
          { Sid: 'Extra', Action: 'x' },
          { Sid: 'Read', Action: actions },
        ].slice(actions.length > 1 ? 0 : 1),
      });
    const plan = {
      format_version: '1.2',
      resource_changes: [
        {
          address: 'aws_iam_policy.p',
          type: 'aws_iam_policy',
          change: {
            actions: ['update'],
            before: { policy: policy(['a']), secret: 's3cret' },
            after: { policy: policy(['a', 'b']), secret: 'n3w' },
            before_sensitive: { secret: true },
            after_sensitive: { secret: true },
          },
        },
      ],
    } as PlanJson;
    const attrs = analyse('x', plan).changes[0]?.attributes;
    expect(attrs).toEqual([
      { path: 'policy{}.Statement.[Extra]', before: '(none)', after: '{"Sid":"Extra","Action":"x"}' },
      { path: 'policy{}.Statement.[Read].Action.1', before: '(none)', after: '"b"' },
      { path: 'secret', before: '(sensitive)', after: '(sensitive)' },
    ]);
  });
});

/** 150 updates of real log-group changes, each with a hostile value. */
function manyUpdates(count: number): PlanJson {
  const base = read('retention-decrease');
  const rc = base.resource_changes?.[0] as { address: string; change: { after: Record<string, unknown> } };
  return {
    ...base,
    resource_changes: Array.from({ length: count }, (_, i) => ({
      ...rc,
      address: `aws_cloudwatch_log_group.group-${i}`,
      change: {
        ...rc.change,
        after: {
          ...rc.change.after,
          retention_in_days: 60,
          name: `g|${i}<!-- \`x\` -->${'long '.repeat(50)}<img src=x onerror=alert(1)>`,
        },
      },
    })) as PlanJson['resource_changes'],
  };
}

/** The elements the report itself writes; a value that adds another has escaped its cell. */
const ALLOWED_TAGS = new Set([
  'h3',
  'h4',
  'p',
  'code',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'br',
  'details',
  'summary',
  'strong',
  'ul',
  'li',
  'blockquote',
]);

describe('Markdown that fits where it is read', () => {
  // GitHub renders comments as GFM with inline HTML; markdown-it with HTML on is the closest CommonJS renderer.
  const markdown = new MarkdownIt({ html: true });
  const validator = new HtmlValidate({ extends: ['html-validate:standard'], rules: { 'no-inline-style': 'off' } });

  test('150 updates split into parts under 65,536 characters; refusals and deletes come first; nothing lost', async () => {
    const plan = manyUpdates(150);
    plan.resource_changes?.push(...(read('moved-bucket-delete').resource_changes ?? []));
    const report = analyse('students-prod-x', plan);
    const parts = renderMarkdownParts([report]);
    expect(parts.length).toBeGreaterThan(1);
    parts.forEach((part, i) => {
      expect(part.length).toBeLessThanOrEqual(COMMENT_LIMIT);
      expect(part.split('\n')[0]).toBe(`<!-- plan-guard part ${i + 1}/${parts.length} -->`);
    });
    const all = parts.join('\n');
    expect(all.indexOf('**refused**')).toBeLessThan(all.indexOf('group-0<'));
    expect(all.indexOf('| delete |')).toBeLessThan(all.indexOf('| update |'));
    for (let i = 0; i < 150; i++) expect(all).toContain(`group-${i}</code>`);
    expect(all).toContain('<details><summary>');
    // Each part renders to valid HTML with exactly its own comment marker: no value opened a comment or a cell.
    for (const part of parts) {
      const html = markdown.render(part);
      expect(html.match(/<!--/g)).toHaveLength(1);
      const tags = new Set([...html.matchAll(/<([a-z][a-z0-9]*)/g)].map((m) => m[1]));
      expect([...tags].filter((t) => !ALLOWED_TAGS.has(t as string))).toEqual([]);
      const rows = html.match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
      for (const tr of rows) expect(tr.match(/<t[dh]>/g)).toHaveLength(3);
      const result = await validator.validateString(
        `<!doctype html><html lang="en"><head><title>t</title></head><body>${html}</body></html>`,
      );
      expect(result.results.flatMap((r) => r.messages.map((m) => m.message))).toEqual([]);
    }
  });

  test('escaping leaves no Markdown or HTML syntax in a value', () => {
    expect(escapeMarkdown('<!-- a|b `c` *d* [e](f) -->')).not.toMatch(/[<>|`*[\]()]/);
  });
});

describe('JSON that a machine can read', () => {
  test('on refusal, on an unknown format version, and on bad usage, stdout is one JSON document', () => {
    const refused = checkFiles(['--json', file('index-removed')]);
    expect(refused.exitCode).toBe(EXIT.refused);
    expect(JSON.parse(refused.output)).toMatchObject({
      schema: 'students-plan-guard',
      version: 2,
      passed: false,
      refused: 1,
    });
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-json-'));
    try {
      const future = path.join(dir, 'future.json');
      require('node:fs').writeFileSync(future, JSON.stringify({ ...read('moved-bucket'), format_version: '2.0' }));
      const out = path.join(dir, 'report.json');
      const result = checkFiles(['--json', '--json-file', out, future]);
      expect(result.exitCode).toBe(EXIT.usage);
      expect(JSON.parse(result.output).error.message).toMatch(
        /format_version 2\.0 is not supported: the guard reads format 1\.x/,
      );
      expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(result.output));
      expect(JSON.parse(checkFiles(['--json', '--frobnicate']).output)).toMatchObject({
        passed: false,
        error: { exitCode: EXIT.usage },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
