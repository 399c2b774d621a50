/**
 * The name of every log group an environment has, in one place: the stacks create them by these
 * names, and the environment's key (STUDENTS_CMK) lets CloudWatch Logs use it for exactly these.
 */
import { API_STAGE } from '../core/contract';

export const LOG_GROUP_NAMES = {
  /** The VPC's flow logs (network stack). */
  flowLogs: (prefix: string) => `/${prefix}-vpc/flow-logs`,
  /** The API stage's access log. */
  apiAccess: (prefix: string) => `/${prefix}-api/access-logs`,
  /** API Gateway writes execution logs to a group of this exact name, by the API's id. */
  apiExecution: (apiId: string) => `API-Gateway-Execution-Logs_${apiId}/${API_STAGE}`,
  /** Lambda writes to a group of this exact name. */
  lambda: (functionName: string) => `/aws/lambda/${functionName}`,
  /** The portal's logs, `app` and `bootstrap`, shipped by the instances' agent. */
  frontend: (prefix: string, kind: string) => `/${prefix}/frontend/${kind}`,
  /** WAF logs only to groups whose name starts `aws-waf-logs-`. */
  waf: (webAclName: string) => `aws-waf-logs-${webAclName}`,
} as const;

/**
 * Every log group of the environment `prefix` (`students-<env>`), as name patterns. The execution
 * logs' group is named by the API's id, which the key (created first) cannot know: any API's
 * `dev` stage in the account and region.
 */
export function logGroupPatterns(prefix: string): string[] {
  const n = LOG_GROUP_NAMES;
  return [
    n.flowLogs(prefix),
    n.apiAccess(prefix),
    n.apiExecution('*'),
    n.lambda(`${prefix}-*`),
    n.frontend(prefix, '*'),
    n.waf(`${prefix}-*`),
  ];
}
