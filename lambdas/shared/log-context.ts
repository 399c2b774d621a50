/**
 * The Lambda context of a function's log lines: request id, function name, cold start.
 */
import { setLogFields } from '../../core/log';

let invocations = 0;

/**
 * Call first in a handler: every line of the invocation then carries its Lambda request id, the
 * function's name, and whether this is a cold start (as Powertools' logger adds with `addContext`).
 */
export function logContext(context: { awsRequestId?: string; functionName?: string } | undefined): void {
  invocations++;
  setLogFields(
    context
      ? { lambdaRequestId: context.awsRequestId, functionName: context.functionName, coldStart: invocations === 1 }
      : {},
  );
}
