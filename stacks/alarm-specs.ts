// biome-ignore-all format: one alarm a line reads as the table it is
/**
 * The alarms of one environment, tier by tier, from the references the stacks expose. Each says
 * what it means, what to check first, and which runbook section follows.
 */
import {
  FUNCTION_CONCURRENCY_CAP,
  FUNCTION_INDEX_ACTIONS,
  FUNCTION_TABLE_ACTIONS,
  type FunctionName,
} from '../core/contract';
import type { AlarmThresholds } from './config/alarm-thresholds';
import type { AlarmSpec } from './constructs/metric-alarms';

/** What the alarms watch: every value a Terraform reference of the resource it names. */
export interface AlarmTargets {
  readonly loadBalancerArnSuffix: string;
  readonly targetGroupArnSuffix: string;
  readonly autoScalingGroupName: string;
  readonly minInstances: number;
  readonly apiName: string;
  readonly stageName: string;
  readonly functionNames: Readonly<Record<FunctionName, string>>;
  readonly functionTimeoutSeconds: number;
  /** Each function's reserved concurrency: its ceiling, which the concurrency alarm warns before. */
  readonly functionReservedConcurrency: number;
  readonly tableName: string;
  readonly natGatewayIds: readonly string[];
  /** The table's backup vault, when AWS Backup is on (STUDENTS_BACKUP). @default no backup alarms */
  readonly backupVaultName?: string;
  /** Recovery points are copied to another region: a failed copy alarms too. @default false */
  readonly backupCopied?: boolean;
}

/** Control-plane calls: DynamoDB publishes no per-operation metrics for them. */
const CONTROL_PLANE = new Set(['dynamodb:DescribeTable']);

/** The DynamoDB data operations the functions call, as the service names them in metrics. */
export function tableOperations(): string[] {
  const actions = [...Object.values(FUNCTION_TABLE_ACTIONS), ...Object.values(FUNCTION_INDEX_ACTIONS)].flat();
  return [...new Set(actions.filter((a) => !CONTROL_PLANE.has(a)))].map((a) => a.replace(/^dynamodb:/, '')).sort();
}

export function alarmSpecs(t: AlarmTargets, th: AlarmThresholds): AlarmSpec[] {
  const sustained = th.evaluationPeriods;
  const lb = { LoadBalancer: t.loadBalancerArnSuffix };
  const api = { ApiName: t.apiName, Stage: t.stageName };
  const specs: AlarmSpec[] = [
    { slug: 'alb-5xx', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_ELB_5XX_Count', dimensions: lb, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: th.alb5xxCount, evaluationPeriods: sustained, runbook: 'alarm-site-5xx', check: 'The load balancer itself answers 5xx: no healthy target, or targets refusing connections. Check the healthy hosts first.' },
    { slug: 'target-5xx', namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: lb, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: th.alb5xxCount, evaluationPeriods: sustained, runbook: 'alarm-site-5xx', check: 'The frontend answers 5xx. Check its logs (npm run logs -- --frontend) for "request failed".' },
    { slug: 'unhealthy-hosts', namespace: 'AWS/ApplicationELB', metricName: 'UnHealthyHostCount', dimensions: { ...lb, TargetGroup: t.targetGroupArnSuffix }, statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: th.unhealthyHostPeriods, runbook: 'alarm-unhealthy-hosts', check: 'An instance fails /healthz for minutes. Check the bootstrap log of the newest instance, and any running instance refresh.' },
    { slug: 'target-latency-p99', namespace: 'AWS/ApplicationELB', metricName: 'TargetResponseTime', dimensions: lb, statistic: 'p99', comparison: 'GreaterThanThreshold', threshold: th.targetResponseP99Seconds, evaluationPeriods: sustained, runbook: 'alarm-latency', check: 'Pages are slow (p99). Check the API latency alarm: a slow API makes slow pages.' },
    { slug: 'api-5xx', namespace: 'AWS/ApiGateway', metricName: '5XXError', dimensions: api, statistic: 'Average', comparison: 'GreaterThanThreshold', threshold: th.api5xxRate, evaluationPeriods: sustained, runbook: 'api-5xx-and-throttling', check: 'A share of API requests fails with 5xx. Check the function error alarms and the API access log.' },
    { slug: 'api-4xx', namespace: 'AWS/ApiGateway', metricName: '4XXError', dimensions: api, statistic: 'Average', comparison: 'GreaterThanThreshold', threshold: th.api4xxRate, evaluationPeriods: sustained, runbook: 'alarm-api-4xx', check: 'Many requests are refused (4xx): a broken frontend, a client sending bad requests, or throttling (429).' },
    { slug: 'api-latency-p99', namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensions: api, statistic: 'p99', comparison: 'GreaterThanThreshold', threshold: th.apiLatencyP99Ms, evaluationPeriods: sustained, runbook: 'alarm-latency', check: 'The API is slow (p99). Check function duration, then DynamoDB throttling.' },
  ];
  for (const [fn, name] of Object.entries(t.functionNames)) {
    const reserved = Math.min(t.functionReservedConcurrency, FUNCTION_CONCURRENCY_CAP[fn as FunctionName] ?? t.functionReservedConcurrency);
    const dims = { FunctionName: name };
    specs.push(
      { slug: `${fn}-errors`, namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: dims, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, runbook: 'api-5xx-and-throttling', check: `${fn} failed invocations (crashes or timeouts, not 4xx answers). Check its log: npm run logs -- --lambda ${fn}.` },
      { slug: `${fn}-throttles`, namespace: 'AWS/Lambda', metricName: 'Throttles', dimensions: dims, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, runbook: 'api-5xx-and-throttling', check: `${fn} was throttled: the account or function concurrency limit was reached.` },
      { slug: `${fn}-duration-p99`, namespace: 'AWS/Lambda', metricName: 'Duration', dimensions: dims, statistic: 'p99', comparison: 'GreaterThanThreshold', threshold: Math.round(t.functionTimeoutSeconds * 1000 * th.lambdaDurationRatio), evaluationPeriods: sustained, runbook: 'alarm-latency', check: `${fn} runs close to its ${t.functionTimeoutSeconds} s timeout (p99). Check DynamoDB latency and throttling.` },
      { slug: `${fn}-concurrency`, namespace: 'AWS/Lambda', metricName: 'ConcurrentExecutions', dimensions: dims, statistic: 'Maximum', comparison: 'GreaterThanThreshold', threshold: Math.min(th.lambdaConcurrency, Math.max(1, Math.floor(reserved * 0.8))), evaluationPeriods: 1, runbook: 'api-5xx-and-throttling', check: `${fn} nears its concurrency limit (${reserved} reserved); throttling follows. Check for a traffic burst in the API access log.` },
    );
  }
  for (const op of tableOperations()) {
    const dims = { TableName: t.tableName, Operation: op };
    specs.push(
      { slug: `table-throttles-${op.toLowerCase()}`, namespace: 'AWS/DynamoDB', metricName: 'ThrottledRequests', dimensions: dims, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: sustained, runbook: 'api-5xx-and-throttling', check: `DynamoDB throttles ${op} on the table (an on-demand table throttles on sudden doublings). It usually passes within minutes.` },
      { slug: `table-system-errors-${op.toLowerCase()}`, namespace: 'AWS/DynamoDB', metricName: 'SystemErrors', dimensions: dims, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, runbook: 'api-5xx-and-throttling', check: `DynamoDB itself failed ${op} requests (500s). Check the AWS Health Dashboard for the region.` },
    );
  }
  specs.push(
    { slug: 'dynamodb-user-errors', namespace: 'AWS/DynamoDB', metricName: 'UserErrors', dimensions: {}, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: th.dynamoUserErrors, evaluationPeriods: sustained, runbook: 'api-5xx-and-throttling', check: 'DynamoDB refuses requests as invalid (4xx) in this region: a changed IAM policy or a bug. Check the function logs.' },
    { slug: 'asg-in-service', namespace: 'AWS/AutoScaling', metricName: 'GroupInServiceInstances', dimensions: { AutoScalingGroupName: t.autoScalingGroupName }, statistic: 'Minimum', comparison: 'LessThanThreshold', threshold: t.minInstances, evaluationPeriods: sustained, runbook: 'alarm-unhealthy-hosts', check: 'Fewer instances are in service than the minimum: launches fail or instances keep failing health checks. Check the group activity.', missingData: 'breaching' },
  );
  t.natGatewayIds.forEach((id, i) => {
    specs.push(
      { slug: `nat-${i}-port-allocation`, namespace: 'AWS/NATGateway', metricName: 'ErrorPortAllocation', dimensions: { NatGatewayId: id }, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, runbook: 'alarm-nat', check: `NAT gateway ${i} ran out of ports for new connections: outbound calls (the API, SSM, packages) fail.` },
      { slug: `nat-${i}-packets-dropped`, namespace: 'AWS/NATGateway', metricName: 'PacketsDropCount', dimensions: { NatGatewayId: id }, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: th.natPacketsDropped, evaluationPeriods: sustained, runbook: 'alarm-nat', check: `NAT gateway ${i} drops packets. Check the AWS Health Dashboard for NAT in the zone.` },
    );
  });
  if (t.backupVaultName) {
    // AWS Backup publishes its job counts every five minutes, by the vault the job writes to.
    const vault = { BackupVaultName: t.backupVaultName };
    const listJobs = `aws backup list-backup-jobs --by-backup-vault-name ${t.backupVaultName}`;
    specs.push(
      { slug: 'backup-failed', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsFailed', dimensions: vault, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, periodSeconds: 300, runbook: 'alarm-backup', check: `The table's daily backup failed: no recovery point for today. Its reason: ${listJobs} --by-state FAILED.` },
      { slug: 'backup-aborted', namespace: 'AWS/Backup', metricName: 'NumberOfBackupJobsAborted', dimensions: vault, statistic: 'Sum', comparison: 'GreaterThanThreshold', threshold: 0, evaluationPeriods: 1, periodSeconds: 300, runbook: 'alarm-backup', check: `The table's daily backup was scheduled but never ran: no recovery point for today. ${listJobs} --by-state ABORTED.` },
      ...(t.backupCopied ? [{ slug: 'backup-copy-failed', namespace: 'AWS/Backup', metricName: 'NumberOfCopyJobsFailed', dimensions: vault, statistic: 'Sum', comparison: 'GreaterThanThreshold' as const, threshold: 0, evaluationPeriods: 1, periodSeconds: 300, runbook: 'alarm-backup', check: 'A recovery point was not copied to the other region: today the copy vault cannot replace this region. aws backup list-copy-jobs --by-state FAILED.' }] : []),
    );
  }
  return specs;
}
