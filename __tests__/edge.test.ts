/**
 * The edge as synthesized: a WAF web ACL in front of the load balancer (and of a public API),
 * reserved concurrency from the stage throttle, rates the data tier can absorb, and the portal's
 * sealing key.
 */
import { ConfigError, loadConfig } from '../stacks/config';
import { MANAGED_RULE_GROUPS } from '../stacks/constructs/web-firewall';
import { block, type Json, resource, synth } from './helpers/synth';

const frontend = (env: Record<string, string> = {}) => synth(env).stacks['students-dev-frontend']!;
const api = (env: Record<string, string> = {}) => synth(env).stacks['students-dev-api']!;

function rules(acl: Json): Json[] {
  return acl.rule as Json[];
}

test('the load balancer has a web ACL: a per-address rate, a stricter one on signups, the managed groups, logs kept', () => {
  const fe = frontend({ STUDENTS_WAF_RATE_LIMIT: '3000', STUDENTS_WAF_SIGNUP_RATE_LIMIT: '50' });
  const acl = resource(fe, 'aws_wafv2_web_acl', 'site-firewall');
  expect(acl).toMatchObject({ name: 'students-dev-site', scope: 'REGIONAL', default_action: { allow: {} } });
  const [rate, signups, ...managed] = rules(acl);
  expect(rate).toMatchObject({
    name: 'rate-per-address',
    action: { block: {} },
    statement: { rate_based_statement: { limit: 3000, aggregate_key_type: 'IP' } },
  });
  const scoped = signups!.statement.rate_based_statement;
  expect(scoped).toMatchObject({ limit: 50, aggregate_key_type: 'IP' });
  const matches = scoped.scope_down_statement.and_statement.statement.map((s: Json) => s.byte_match_statement);
  expect(
    matches.map((m: Json) => [Object.keys(m.field_to_match)[0], m.search_string, m.positional_constraint]),
  ).toEqual([
    ['method', 'POST', 'EXACTLY'],
    ['uri_path', '/students', 'EXACTLY'],
  ]);
  expect(managed.map((r) => r.statement.managed_rule_group_statement)).toEqual(
    MANAGED_RULE_GROUPS.map((name) => ({ vendor_name: 'AWS', name })),
  );
  for (const r of managed) expect(r.override_action).toEqual({ none: {} });
  // Every rule blocks or counts visibly: metrics and sampled requests on.
  for (const r of rules(acl)) expect(block(r.visibility_config)?.cloudwatch_metrics_enabled).toBe(true);
  expect(resource(fe, 'aws_wafv2_web_acl_association', 'site-firewall-association')).toMatchObject({
    resource_arn: '${aws_lb.alb.arn}',
    web_acl_arn: '${aws_wafv2_web_acl.site-firewall.arn}',
  });
  // WAF takes only log groups named aws-waf-logs-…, and this one has a retention.
  expect(resource(fe, 'aws_cloudwatch_log_group', 'site-firewall-log-group')).toMatchObject({
    name: 'aws-waf-logs-students-dev-site',
    retention_in_days: 30,
  });
  expect(
    resource(fe, 'aws_wafv2_web_acl_logging_configuration', 'site-firewall-logging').log_destination_configs,
  ).toEqual(['${aws_cloudwatch_log_group.site-firewall-log-group.arn}']);
});

test('a public API gets a web ACL of its own on the stage; the IAM-only API needs none', () => {
  expect(api().resource.aws_wafv2_web_acl).toBeUndefined();
  const open = api({ STUDENTS_API_ACCESS: 'public', STUDENTS_WAF_RATE_LIMIT: '500' });
  expect(rules(resource(open, 'aws_wafv2_web_acl', 'api-firewall'))[0]!.statement.rate_based_statement.limit).toBe(500);
  expect(resource(open, 'aws_wafv2_web_acl_association', 'api-firewall-association').resource_arn).toBe(
    '${aws_api_gateway_stage.stage.arn}',
  );
});

test('each function reserves the stage burst in concurrency: the gateway, not a throttled function, refuses a flood', () => {
  for (const [env, rate] of [
    [{}, 100],
    [{ STUDENTS_API_RATE_LIMIT: '120' }, 120],
    [{ STUDENTS_API_BURST_LIMIT: '300' }, 300],
  ] as const) {
    const stack = api(env);
    for (const fn of ['list-students', 'signup-students'])
      expect(resource(stack, 'aws_lambda_function', fn).reserved_concurrent_executions).toBe(rate);
  }
});

test.each([
  [
    { STUDENTS_API_RATE_LIMIT: '1500' },
    /STUDENTS_API_RATE_LIMIT: 1500 requests a second is more than the name index can take: .*about 1000 writes a second/,
  ],
  [
    { STUDENTS_API_RATE_LIMIT: '500' },
    /STUDENTS_API_BURST_LIMIT: a burst of 500 reserves 500 .*1005 in all, but an account of 1000 \(STUDENTS_ACCOUNT_CONCURRENCY\) must keep 100 unreserved/,
  ],
  [
    { STUDENTS_CORS_ORIGINS: 'https://a.example.edu' },
    /STUDENTS_CORS_ORIGINS: only browsers calling a public API need CORS/,
  ],
  [
    { STUDENTS_API_ACCESS: 'public', STUDENTS_CORS_ORIGINS: 'a.example.edu' },
    /STUDENTS_CORS_ORIGINS: "a.example.edu" is not an origin/,
  ],
  [{ STUDENTS_API_ACCESS: 'open' }, /STUDENTS_API_ACCESS: "open" must be iam or public/],
  [{ STUDENTS_SEAL_KEY_GENERATION: '255' }, /STUDENTS_SEAL_KEY_GENERATION: 255 is outside 1..254/],
])('%j is refused at synth, with the reason', (env, message) => {
  const load = () => loadConfig(env);
  expect(load).toThrow(ConfigError);
  expect(load).toThrow(message);
});

test('a rate the account can reserve for is accepted when the account says it has the concurrency', () => {
  expect(
    loadConfig({ STUDENTS_API_RATE_LIMIT: '900', STUDENTS_ACCOUNT_CONCURRENCY: '3000' }).edge.reservedConcurrency,
  ).toBe(900);
});

test('the sealing key is a KMS HMAC key the instances may only MAC with; its generation reaches the instances', () => {
  const fe = frontend({ STUDENTS_SEAL_KEY_GENERATION: '4' });
  expect(resource(fe, 'aws_kms_key', 'seal-key')).toMatchObject({
    key_usage: 'GENERATE_VERIFY_MAC',
    customer_master_key_spec: 'HMAC_256',
    deletion_window_in_days: 30,
  });
  expect(resource(fe, 'aws_kms_alias', 'seal-key-alias').name).toBe('alias/students-dev-portal-seal');
  const userData = fe.locals.user_data as string;
  expect(userData).toContain("SEAL_KEY_GENERATION='4'");
  expect(userData).toContain("SEAL_KMS_KEY_ID='${aws_kms_key.seal-key.arn}'");
  expect(userData).toContain("API_ACCESS='iam'");
});

test("each function's concurrency alarm warns at 80 % of its reserved concurrency", () => {
  for (const [env, threshold] of [
    [{}, 80],
    [{ STUDENTS_API_BURST_LIMIT: '300' }, 240],
  ] as const) {
    const monitoring = synth(env).stacks['students-dev-monitoring']!;
    for (const fn of ['list-students', 'signup-students'])
      expect(resource(monitoring, 'aws_cloudwatch_metric_alarm', `${fn}-concurrency`).threshold).toBe(threshold);
  }
});
