/** The time budgets nest: the store's calls inside the function's timeout, the function inside the gateway's. */
import { TIME_BUDGETS, worstStoreCallMs } from '../core/contract';

/** Time a function keeps, after its store calls, to answer a clean 503 and log why. */
const ANSWER_MARGIN_MS = 1_000;

test("signup's calls in a row, each at its worst, end well inside the function's timeout", () => {
  // Two attempts of 0.5 s to connect and 1 s to answer, and a back-off of up to 1 s between.
  expect(worstStoreCallMs()).toBe(4_000);
  expect(TIME_BUDGETS.storeCallsInSequence * worstStoreCallMs() + ANSWER_MARGIN_MS).toBeLessThanOrEqual(
    TIME_BUDGETS.functionMs,
  );
});

test("the function's timeout ends well inside API Gateway's, so a slow answer is the function's 503, not a 504", () => {
  expect(TIME_BUDGETS.functionMs + 5_000).toBeLessThanOrEqual(TIME_BUDGETS.integrationMs);
});

test('the arithmetic catches a budget that does not fit: three attempts of 3 s, as before, overrun the timeout', () => {
  const before = { ...TIME_BUDGETS, store: { maxAttempts: 3, connectionTimeoutMs: 1_000, requestTimeoutMs: 3_000 } };
  expect(TIME_BUDGETS.storeCallsInSequence * worstStoreCallMs(before)).toBeGreaterThan(TIME_BUDGETS.functionMs);
});
