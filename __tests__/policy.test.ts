/**
 * The security and reliability baseline (../shared/reference/iac-baseline.md) over every
 * synthesized stack: one test per "must" rule, named after the scanner rule ids. Where a rule
 * cannot hold, the test states the exception and its reason, and pins its extent.
 */
import { CONFIGURATIONS } from '../scripts/terraform/configurations';
import { loadConfig } from '../stacks/config';
import { block, cleanupSynth, isTrue, refersTo, resources, synth, type Json } from './helpers/synth';

afterAll(cleanupSynth);

// The documented configurations, the same that `npm run validate` proves with Terraform.
const CONFIGS: [string, Record<string, string>][] = CONFIGURATIONS.map((c) => [
  `${c.name} (${c.description})`,
  { ...c.env },
]);

const WORLD = ['0.0.0.0/0', '::/0'];
const WILDCARD_ONLY_ACTIONS = new Set(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
const SUPPORTED_RUNTIMES = new Set(['nodejs22.x', 'nodejs24.x']);
const AWS_KEY = /(AKIA|ASIA)[0-9A-Z]{16}|aws_secret_access_key|[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/;

function statements(policyJson: string): Json[] {
  const doc = JSON.parse(policyJson);
  return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** Every ingress/egress rule as (sg address, rule) from inline blocks and rule resources. */
function sgRules(
  stacks: Record<string, Json>,
  direction: 'ingress' | 'egress',
): { sg: string; rule: Json; address: string }[] {
  const out: { sg: string; rule: Json; address: string }[] = [];
  for (const [, address, sg] of resources(stacks, 'aws_security_group'))
    for (const rule of list(sg[direction])) out.push({ sg: address, rule: rule as Json, address });
  for (const [, address, rule] of resources(stacks, `aws_vpc_security_group_${direction}_rule`)) {
    const sg = String(rule.security_group_id).replace(/^\$\{(.*)\.id\}$/, '$1');
    out.push({
      sg,
      rule: {
        ...rule,
        cidr_blocks: list(rule.cidr_ipv4),
        ipv6_cidr_blocks: list(rule.cidr_ipv6),
        protocol: rule.ip_protocol,
      },
      address,
    });
  }
  return out;
}
function opensToWorld(rule: Json, port: number | 'any'): boolean {
  const cidrs = [...list(rule.cidr_blocks), ...list(rule.ipv6_cidr_blocks)];
  if (!cidrs.some((c) => WORLD.includes(String(c)))) return false;
  const all = String(rule.protocol) === '-1';
  if (port === 'any') return all;
  const from = all ? 0 : Number(rule.from_port);
  const to = all || Number(rule.to_port) === 0 ? 65535 : Number(rule.to_port);
  return from <= port && port <= to;
}

describe.each(CONFIGS)('baseline: %s', (_name, env) => {
  const s = () => synth(env).stacks;
  const all = (type: string) => resources(s(), type);

  // --- network
  test('CKV2_AWS_11 / EC2.6: the VPC has flow logs (ALL traffic, CloudWatch, role)', () => {
    for (const [, vpc] of all('aws_vpc').map(([, a]) => [a, a])) {
      const logs = all('aws_flow_log').filter(([, , f]) => refersTo(f.vpc_id, vpc!));
      expect(logs).toHaveLength(1);
      expect(logs[0]![2]).toMatchObject({ traffic_type: 'ALL', log_destination_type: 'cloud-watch-logs' });
      expect(logs[0]![2].iam_role_arn).toBeTruthy();
    }
  });
  test('CKV2_AWS_12 / EC2.2: the default security group has no rules', () => {
    const defaults = all('aws_default_security_group');
    expect(defaults).toHaveLength(all('aws_vpc').length);
    for (const [, , sg] of defaults) {
      expect(sg.ingress ?? []).toEqual([]);
      expect(sg.egress ?? []).toEqual([]);
    }
  });
  test('CKV_AWS_130 / CKV_AWS_148 / CKV2_AWS_35: no subnet maps public IPs, no default VPC, no instance routes', () => {
    for (const [, , subnet] of all('aws_subnet')) expect(isTrue(subnet.map_public_ip_on_launch)).toBe(false);
    expect(all('aws_default_vpc')).toEqual([]);
    for (const [, , route] of all('aws_route')) expect(route.instance_id).toBeUndefined();
  });
  test('CKV_AWS_23: every security group and rule has a description', () => {
    for (const [, , sg] of all('aws_security_group')) expect(sg.description).toMatch(/\S/);
    for (const d of ['ingress', 'egress'] as const)
      for (const { rule } of sgRules(s(), d)) expect(rule.description).toMatch(/\S/);
  });
  test('CKV_AWS_24 / CKV_AWS_25 / CKV_AWS_277: no ingress from the internet to SSH, RDP or all ports', () => {
    for (const { rule } of sgRules(s(), 'ingress')) {
      for (const port of [22, 3389, 'any'] as const) expect(opensToWorld(rule, port)).toBe(false);
      expect(
        list(rule.cidr_blocks).length +
          list(rule.ipv6_cidr_blocks).length +
          (rule.referenced_security_group_id ? 1 : 0) +
          list(rule.security_groups).length,
      ).toBeGreaterThan(0);
    }
  });
  test('CKV_AWS_260 (exception): port 80 is open to the internet on the load balancer only, for HTTP or the HTTPS redirect', () => {
    const open80 = sgRules(s(), 'ingress').filter(({ rule }) => opensToWorld(rule, 80));
    expect(open80.map((r) => r.sg)).toEqual(['aws_security_group.alb-sg']);
  });
  test('CKV_AWS_382: no all-protocol egress to the internet', () => {
    for (const { rule } of sgRules(s(), 'egress')) expect(opensToWorld(rule, 'any')).toBe(false);
  });
  test('AVD-AWS-0104 (exception): the only egress to the internet is tcp/443, from the instances (API, SSM, S3, packages) and, with staff sign-in, from the load balancer (the identity provider)', () => {
    const open = sgRules(s(), 'egress').filter(({ rule }) =>
      list(rule.cidr_blocks).some((c) => WORLD.includes(String(c))),
    );
    const signIn = (env.STUDENTS_STAFF_AUTH ?? 'none') !== 'none';
    expect(open.map(({ sg, rule }) => [sg, rule.protocol, rule.from_port, rule.to_port]).sort()).toEqual([
      ...(signIn ? [['aws_security_group.alb-sg', 'tcp', 443, 443]] : []),
      ['aws_security_group.app-sg', 'tcp', 443, 443],
    ]);
  });
  test('AVD-AWS-0053 (exception): the portal load balancer is the one internet-facing load balancer', () => {
    expect(all('aws_lb').map(([, address, lb]) => [address, lb.internal])).toEqual([['aws_lb.alb', false]]);
  });
  test('CKV2_AWS_5: every security group is attached to a load balancer, launch template or endpoint', () => {
    const users = [...all('aws_lb'), ...all('aws_launch_template'), ...all('aws_ec2_instance_connect_endpoint')].map(
      ([, , r]) => r,
    );
    for (const [, address] of all('aws_security_group'))
      expect([address, users.some((u) => refersTo(u, address))]).toEqual([address, true]);
  });

  // --- compute
  test('CKV_AWS_79 / CKV_AWS_341: IMDSv2 required with hop limit 1', () => {
    for (const [, , lt] of all('aws_launch_template'))
      expect(block(lt.metadata_options)).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
  });
  test('CKV_AWS_88 / EC2.25: no public IP on instances, except NAT mode none (documented: no NAT, so public subnets)', () => {
    const publicByDesign = env.STUDENTS_NAT_MODE === 'none';
    for (const [, , lt] of all('aws_launch_template')) {
      expect(isTrue(block(lt.network_interfaces)?.associate_public_ip_address)).toBe(publicByDesign);
    }
  });
  test('CKV_AWS_46: user data holds no AWS credentials', () => {
    for (const [, , lt] of all('aws_launch_template')) {
      const script = String(lt.user_data);
      expect(script).toMatch(/^\$\{base64encode\(/);
      expect(script).not.toMatch(AWS_KEY);
    }
  });
  test('EC2.3 / EC2.7 / AwsSolutions-EC26: every launch-template volume is encrypted', () => {
    for (const [, , lt] of all('aws_launch_template'))
      for (const m of list(lt.block_device_mappings) as Json[]) expect(isTrue(block(m.ebs)?.encrypted)).toBe(true);
  });
  test('CKV_AWS_315 / CKV_AWS_153 / CKV2_AWS_15: ASG with a launch template, tags, ELB health checks, 2+ subnets and instances', () => {
    for (const [, , asg] of all('aws_autoscaling_group')) {
      expect(block(asg.launch_template)?.id).toBeTruthy();
      expect(list(asg.tag).length).toBeGreaterThan(0);
      expect(asg.health_check_type).toBe('ELB');
      expect(asg.health_check_grace_period).toBeGreaterThan(0);
      expect(list(asg.vpc_zone_identifier).length).toBeGreaterThanOrEqual(2);
      expect(asg.min_size).toBeGreaterThanOrEqual(2);
    }
  });

  // --- load balancer
  test('CKV_AWS_2 / CKV2_AWS_20 / CKV_AWS_103 / CKV2_AWS_74: HTTPS with a TLS 1.2+ policy and HTTP redirect, once a certificate is configured', () => {
    const listeners = all('aws_lb_listener').map(([, , l]) => l);
    if (!env.STUDENTS_CERTIFICATE_ARN) {
      // Exception: without an ACM certificate there is nothing to terminate TLS with; the site is HTTP only.
      expect(listeners).toEqual([expect.objectContaining({ protocol: 'HTTP', port: 80 })]);
      return;
    }
    for (const l of listeners) {
      if (l.protocol === 'HTTP')
        expect(block(l.default_action)).toMatchObject({
          type: 'redirect',
          redirect: { protocol: 'HTTPS', port: '443' },
        });
      else
        expect(l).toMatchObject({
          protocol: 'HTTPS',
          ssl_policy: expect.stringMatching(/^ELBSecurityPolicy-(TLS13|TLS-1-2|FS-1-2)/),
        });
    }
  });
  test('CKV_AWS_131 / CKV_AWS_328 / ELB.13: drops invalid headers, not desync monitor mode, subnets in 2+ AZs', () => {
    for (const [, , lb] of all('aws_lb')) {
      expect(lb.drop_invalid_header_fields).toBe(true);
      expect(lb.desync_mitigation_mode).not.toBe('monitor');
      expect(list(lb.subnets).length).toBeGreaterThanOrEqual(2);
    }
  });
  test('CKV_AWS_91 / ELB.5: access logs on, to the log bucket', () => {
    for (const [, , lb] of all('aws_lb'))
      expect(block(lb.access_logs)).toMatchObject({ enabled: true, bucket: '${aws_s3_bucket.alb-log-bucket.bucket}' });
  });
  test('CKV_AWS_261: every HTTP target group has a health-check path', () => {
    for (const [, , tg] of all('aws_lb_target_group')) expect(block(tg.health_check)?.path).toMatch(/^\//);
  });

  // --- API Gateway
  test('CKV_AWS_59: every method takes only signed calls (IAM); public access is an explicit setting', () => {
    const methods = all('aws_api_gateway_method').map(([, , m]) => m);
    expect(methods.map((m) => [m.http_method, m.authorization]).sort()).toEqual([
      ['DELETE', 'AWS_IAM'],
      ['GET', 'AWS_IAM'],
      ['POST', 'AWS_IAM'],
    ]);
  });
  test('CKV2_AWS_53: every method has a request validator', () => {
    for (const [, , m] of all('aws_api_gateway_method')) expect(m.request_validator_id).toBeTruthy();
  });
  test('CKV_AWS_76: the stage writes access logs', () => {
    for (const [, , st] of all('aws_api_gateway_stage'))
      expect(block(st.access_log_settings)?.destination_arn).toBeTruthy();
  });
  test('CKV2_AWS_4 / CKV_AWS_276 / CKV_AWS_73: method settings log errors with metrics, no data trace; X-Ray on; account role set', () => {
    for (const [, stage, st] of all('aws_api_gateway_stage').map(([a, b, c]) => [a, b, c] as const)) {
      expect(st.xray_tracing_enabled).toBe(true);
      const settings = all('aws_api_gateway_method_settings').filter(([, , ms]) => refersTo(ms.stage_name, stage));
      expect(settings).toHaveLength(1);
      expect(block(settings[0]![2].settings)).toMatchObject({
        metrics_enabled: true,
        logging_level: expect.stringMatching(/^(ERROR|INFO)$/),
      });
      expect(block(settings[0]![2].settings)?.data_trace_enabled).not.toBe(true);
    }
    // Where this configuration leaves the account stack out, the README has the account's role set once, elsewhere.
    expect(all('aws_api_gateway_account').map(([, , a]) => a.cloudwatch_role_arn)).toEqual(
      loadConfig(env).manageApiGatewayAccount ? ['${aws_iam_role.apigateway-cloudwatch-role.arn}'] : [],
    );
  });
  test('CKV_AWS_308: nothing is cached unencrypted (caching is off)', () => {
    for (const [, , ms] of all('aws_api_gateway_method_settings')) {
      const settings = block(ms.settings)!;
      if (settings.caching_enabled) expect(settings.cache_data_encrypted).toBe(true);
    }
  });
  test('CKV_AWS_217: the deployment is created before it is destroyed', () => {
    for (const [, , d] of all('aws_api_gateway_deployment'))
      expect(block(d.lifecycle)?.create_before_destroy).toBe(true);
  });

  // --- Lambda
  test('CKV_AWS_363 / Lambda.2: a supported runtime', () => {
    for (const [, , fn] of all('aws_lambda_function')) expect(SUPPORTED_RUNTIMES.has(fn.runtime)).toBe(true);
  });
  test('CKV_AWS_50 / CKV_AWS_45: X-Ray tracing, and no secrets in the environment', () => {
    for (const [, , fn] of all('aws_lambda_function')) {
      expect(block(fn.tracing_config)?.mode).toMatch(/^(Active|PassThrough)$/);
      for (const [k, v] of Object.entries(block(fn.environment)?.variables ?? {})) {
        expect(k).not.toMatch(/SECRET|PASSWORD|TOKEN|KEY/i);
        expect(String(v)).not.toMatch(AWS_KEY);
      }
    }
  });
  test('CKV_AWS_301 / CKV_AWS_364: Lambda permissions name a service principal and a source ARN', () => {
    for (const [, , p] of all('aws_lambda_permission')) {
      expect(p.principal).not.toBe('*');
      expect(p.source_arn ?? p.source_account).toBeTruthy();
    }
  });

  // --- IAM
  test('CKV_AWS_60 / CKV_AWS_61: roles are assumed by services only', () => {
    for (const [, , role] of all('aws_iam_role')) {
      for (const st of statements(role.assume_role_policy)) {
        expect(st.Principal.AWS).toBeUndefined();
        expect(Object.keys(st.Principal)).toEqual(['Service']);
      }
    }
  });
  test('CKV_AWS_62 / CKV_AWS_63 / CKV_AWS_355 / CKV_AWS_290: no wildcard actions, no wildcard resources but for wildcard-only actions', () => {
    const policies = [...all('aws_iam_role_policy'), ...all('aws_iam_policy')];
    expect(policies.length).toBeGreaterThan(0);
    for (const [, address, p] of policies) {
      for (const st of statements(p.policy).filter((x) => x.Effect === 'Allow')) {
        const actions = list(st.Action).map(String);
        for (const a of actions) expect([address, a]).not.toEqual([address, expect.stringMatching(/^\*$|:\*$/)]);
        if (list(st.Resource).includes('*'))
          for (const a of actions) expect([address, WILDCARD_ONLY_ACTIONS.has(a)]).toEqual([address, true]);
      }
    }
  });
  test('CKV_AWS_274: no AdministratorAccess anywhere', () => {
    for (const [, , a] of [...all('aws_iam_role_policy_attachment'), ...all('aws_iam_policy_attachment')])
      expect(a.policy_arn).not.toMatch(/AdministratorAccess/);
    for (const [, , r] of all('aws_iam_role'))
      expect(JSON.stringify(r.managed_policy_arns ?? [])).not.toMatch(/AdministratorAccess/);
  });

  // --- DynamoDB
  test('CKV_AWS_28 / CKV2_AWS_16: point-in-time recovery and on-demand billing', () => {
    for (const [, , t] of all('aws_dynamodb_table')) {
      expect(block(t.point_in_time_recovery)?.enabled).toBe(true);
      expect(t.billing_mode).toBe('PAY_PER_REQUEST');
    }
  });

  // --- S3
  test('CKV2_AWS_6 / CKV_AWS_53-56: every bucket blocks all public access', () => {
    for (const [, bucket] of all('aws_s3_bucket')) {
      const pabs = all('aws_s3_bucket_public_access_block').filter(([, , p]) => refersTo(p.bucket, bucket));
      expect([bucket, pabs.length]).toEqual([bucket, 1]);
      expect(pabs[0]![2]).toMatchObject({
        block_public_acls: true,
        block_public_policy: true,
        ignore_public_acls: true,
        restrict_public_buckets: true,
      });
    }
  });
  test('CKV2_AWS_65 / CKV_AWS_70 / S3.5: ACLs disabled, no public principal, plain HTTP refused', () => {
    for (const [, bucket] of all('aws_s3_bucket')) {
      const own = all('aws_s3_bucket_ownership_controls').filter(([, , o]) => refersTo(o.bucket, bucket));
      expect(block(own[0]![2].rule)?.object_ownership).toBe('BucketOwnerEnforced');
      const policy = all('aws_s3_bucket_policy').filter(([, , p]) => refersTo(p.bucket, bucket));
      const sts = statements(policy[0]![2].policy);
      for (const st of sts.filter((x) => x.Effect === 'Allow'))
        expect(st.Principal === '*' || st.Principal?.AWS === '*').toBe(false);
      expect(sts).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      );
    }
  });
  test('CKV_AWS_21 / CKV_AWS_19: versioning and default encryption on every bucket', () => {
    for (const [, bucket] of all('aws_s3_bucket')) {
      const v = all('aws_s3_bucket_versioning').filter(([, , x]) => refersTo(x.bucket, bucket));
      expect(block(v[0]![2].versioning_configuration)?.status).toBe('Enabled');
      const e = all('aws_s3_bucket_server_side_encryption_configuration').filter(([, , x]) =>
        refersTo(x.bucket, bucket),
      );
      expect(block(block(e[0]![2].rule)?.apply_server_side_encryption_by_default)?.sse_algorithm).toMatch(
        /^(AES256|aws:kms)$/,
      );
    }
  });
  test('CKV2_AWS_61 / CKV_AWS_300: a lifecycle rule that aborts incomplete uploads, unfiltered', () => {
    for (const [, bucket] of all('aws_s3_bucket')) {
      const lc = all('aws_s3_bucket_lifecycle_configuration').filter(([, , x]) => refersTo(x.bucket, bucket));
      const rule = block(lc[0]![2].rule)!;
      expect(rule.status).toBe('Enabled');
      expect(block(rule.abort_incomplete_multipart_upload)?.days_after_initiation).toBeGreaterThan(0);
      expect(block(rule.filter) ?? {}).toEqual({});
    }
  });

  // --- logs
  test('CKV_AWS_66: every log group has a retention', () => {
    const groups = all('aws_cloudwatch_log_group');
    // Flow logs, API access and execution logs, one per function, the frontend's app and bootstrap
    // logs, and the load balancer's WAF log.
    expect(groups.length).toBe(9);
    for (const [, , g] of groups) expect(g.retention_in_days).toBeGreaterThan(0);
  });

  test('CKV_AWS_119 / CKV_AWS_158 / CKV_AWS_145 / CKV_AWS_173 (exception without STUDENTS_CMK): with it, the tables, log groups, artifact bucket and functions use the key; the ALB log bucket never can', () => {
    const cmk = loadConfig({ ...env }).customerManagedKey;
    const keyed = (v: unknown) => typeof v === 'string' && /aws_kms_key\.?data-key/.test(v);
    for (const [, address, t] of all('aws_dynamodb_table'))
      expect([address, t.server_side_encryption.enabled, keyed(t.server_side_encryption.kms_key_arn)]).toEqual([
        address,
        true,
        cmk,
      ]);
    for (const [, address, g] of all('aws_cloudwatch_log_group'))
      expect([address, keyed(g.kms_key_id)]).toEqual([address, cmk]);
    for (const [, address, f] of all('aws_lambda_function'))
      expect([address, keyed(f.kms_key_arn)]).toEqual([address, cmk]);
    for (const [, address, e] of all('aws_s3_bucket_server_side_encryption_configuration')) {
      const sse = block(e.rule)?.apply_server_side_encryption_by_default as Json;
      // Load balancer log delivery writes with SSE-S3 only.
      const kms = cmk && !address.includes('alb-log-bucket');
      expect([address, sse.sse_algorithm, keyed(sse.kms_master_key_id)]).toEqual([
        address,
        kms ? 'aws:kms' : 'AES256',
        kms,
      ]);
    }
  });
});
