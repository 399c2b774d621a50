/**
 * The application's facts, in one place. The stacks, the Lambdas, the frontend
 * and the local stack all import them from here, so a change is one edit.
 */
import { REMOVAL_REQUEST_SCHEMA } from './removal';
import { STUDENT_REQUEST_SCHEMA } from './student';

/** The Node.js major the Lambdas, the instances and the bundles' target share. */
export const NODE_MAJOR = 22;

/**
 * Ports: the frontend's (on the instances behind the load balancer, and under `npm start`), and
 * the local API Gateway's.
 */
export const PORTS = { frontend: 3000, localApi: 3001 } as const;

/** Prefix of every stack and physical name: `students-<environment>-…`. */
export const PROJECT = 'students';

/** The DynamoDB table of the reference design. */
export const STUDENTS_TABLE = {
  /** Base name; the deployed table is `<project>-<environment>-Students`. */
  baseName: 'Students',
  /** Partition key (string). Emails are stored lowercased, so it is case-insensitive. */
  partitionKey: 'email',
  /** DynamoDB attribute type of the partition key. */
  partitionKeyType: 'S',
} as const;

/** The physical table name for an environment. */
export function tableNameFor(environment: string): string {
  return `${PROJECT}-${environment}-${STUDENTS_TABLE.baseName}`;
}

/** Stage and resource as in the reference design: `/dev/student`. */
export const API_STAGE = 'dev';
export const API_RESOURCE = 'student';

/** The Lambda functions that back the API, by the directory of their source under `lambdas/`. */
export type FunctionName = 'list-students' | 'signup-students' | 'remove-students';
export const FUNCTION_NAMES: readonly FunctionName[] = ['list-students', 'signup-students', 'remove-students'];

/**
 * Concurrency a function reserves at most, below the stage's burst: removals are rare staff
 * actions, and a reservation the size of the burst would take from the account for nothing.
 */
export const FUNCTION_CONCURRENCY_CAP: Readonly<Partial<Record<FunctionName, number>>> = { 'remove-students': 5 };

/**
 * The DynamoDB actions each function needs on the table, and nothing more (least privilege): the
 * list reads everything (Scan), finds one email (GetItem) and reads the estimated count (DescribeTable).
 */
export const FUNCTION_TABLE_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  'list-students': ['dynamodb:Scan', 'dynamodb:GetItem', 'dynamodb:DescribeTable'],
  'signup-students': ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:BatchGetItem'],
  'remove-students': ['dynamodb:GetItem', 'dynamodb:DeleteItem'],
};

/** The actions each function needs on the name-words table (`<table ARN>-name-words`). */
export const FUNCTION_WORDS_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  'list-students': ['dynamodb:Query'],
  'signup-students': ['dynamodb:BatchWriteItem'],
  'remove-students': ['dynamodb:BatchWriteItem'],
};

/** The actions each function needs on the name index (`<table ARN>/index/by-name`). */
export const FUNCTION_INDEX_ACTIONS: Readonly<Record<FunctionName, readonly string[]>> = {
  'list-students': ['dynamodb:Query'],
  'signup-students': [],
  'remove-students': [],
};

/** One API route: a method on the resource, its Lambda and, optionally, a request-body model. */
export interface ApiRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly functionName: FunctionName;
  /** JSON schema (draft-04) the gateway validates the body against before the Lambda runs. */
  readonly bodySchema?: Readonly<Record<string, unknown>>;
  /** Query-string parameters the method declares (all optional). */
  readonly queryParameters?: readonly string[];
  /** Signed calls of the portal's role only, even when the API is public (`STUDENTS_API_ACCESS=public`). */
  readonly iamOnly?: boolean;
}

/** The route table: the API stack builds methods from it and the local gateway serves it. */
export const API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'GET',
    functionName: 'list-students',
    queryParameters: ['limit', 'cursor', 'order', 'q', 'from', 'before', 'rank'],
  },
  { method: 'POST', functionName: 'signup-students', bodySchema: STUDENT_REQUEST_SCHEMA },
  // A staff member's removal, sent by the portal once it has verified who is signed in.
  { method: 'DELETE', functionName: 'remove-students', bodySchema: REMOVAL_REQUEST_SCHEMA, iamOnly: true },
];

/**
 * Time budgets, each inside the one that waits for it: API Gateway waits for the function, the
 * function for its calls to the store. `worstStoreCallMs` bounds one call, every attempt timing
 * out and the longest back-off between; signup makes up to four in a row (the legacy spellings,
 * the conditional write, the stored record on a conflict, the name-words entries), and all of them
 * fit inside the function's timeout, which fits inside the gateway's (checked in the unit tests).
 */
export const TIME_BUDGETS = {
  /** API Gateway's REST integration timeout (its default and, without a quota raise, its maximum). */
  integrationMs: 29_000,
  /** Each function's timeout. */
  functionMs: 20_000,
  /** The store client: attempts per call, and each attempt's connect and answer deadlines. */
  store: { maxAttempts: 2, connectionTimeoutMs: 500, requestTimeoutMs: 1_000 },
  /** The SDK's longest back-off before a retry (a throttled first attempt: 500 ms × 2). */
  retryDelayMaxMs: 1_000,
  /** The most store calls one invocation makes one after another (signup). */
  storeCallsInSequence: 4,
} as const;

/** What `worstStoreCallMs` reads of the budgets. */
export interface StoreBudget {
  readonly store: {
    readonly maxAttempts: number;
    readonly connectionTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly retryDelayMaxMs: number;
}

/** The longest one store call can take: every attempt timing out, and the back-off between them. */
export function worstStoreCallMs(budgets: StoreBudget = TIME_BUDGETS): number {
  const { maxAttempts, connectionTimeoutMs, requestTimeoutMs } = budgets.store;
  return maxAttempts * (connectionTimeoutMs + requestTimeoutMs) + (maxAttempts - 1) * budgets.retryDelayMaxMs;
}

/** The environment variable that names the table to each function (the stack sets it, the local stack too). */
export const TABLE_NAME_VARIABLE = 'TABLE_NAME';

/**
 * The alias API Gateway invokes. Every deploy publishes a version and points the alias at it;
 * `npm run rollback` points it back at an earlier version in one step.
 */
export const LIVE_ALIAS = 'live';

/**
 * `off` on the list function while a new name index is filled (expand, backfill, switch): ordered
 * reads then answer 503 with DIRECTORY_NOT_READY, and the portal shows the unordered list.
 */
export const DIRECTORY_ORDER_VARIABLE = 'DIRECTORY_ORDER';
/** The `code` of a 503 that means: the name order cannot be read yet (the unordered list can). */
export const DIRECTORY_NOT_READY = 'directory-not-ready';

/** An opaque list cursor as it may appear in a URL: base64url, bounded. */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1024}$/;

/** Response header that carries the opaque continuation of a partial list. */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';
/** Response header of an ordered read: the token (for `before`) of the page before this one. */
export const PREV_CURSOR_HEADER = 'X-Prev-Cursor';
/** Response header of an ordered read: DynamoDB's estimate of how many students there are. */
export const COUNT_ESTIMATE_HEADER = 'X-Count-Estimate';
/**
 * Response header of an ordered read asked with `rank=1` and a `from`: how many students come
 * before that position (exactly, not an estimate), from which a page's number follows.
 */
export const RANK_HEADER = 'X-Rank';

/** `GET /student?order=name`: the list in name order, a page at a time (the directory). */
export const ORDER_BY_NAME = 'name';

/**
 * Who may call the API. `iam` (the default): only the portal's instances, whose calls are signed
 * with SigV4 (anonymous calls get 403, and no browser is let in by CORS). `public`: anyone, as in
 * the reference design, from the origins allowed by CORS.
 */
export type ApiAccess = 'iam' | 'public';
export const API_ACCESS_MODES: readonly ApiAccess[] = ['iam', 'public'];

/**
 * Who sees the directory (`STUDENTS_DIRECTORY`). `names`: the public sees names only (no email,
 * age or country) and searches by name; `staff`: the public sees the form and its own
 * confirmation, the directory is for signed-in staff; `public`: everyone sees everything, as in
 * the reference design. Signed-in staff see everything in every mode.
 */
export type DirectoryMode = 'names' | 'staff' | 'public';
export const DIRECTORY_MODES: readonly DirectoryMode[] = ['names', 'staff', 'public'];

/** The SigV4 service name of an API Gateway call. */
export const EXECUTE_API_SERVICE = 'execute-api';

/**
 * The environment variable that lists, comma-separated, the origins a browser may call the API
 * from (`*` for any). Unset or empty, the handlers send no CORS headers.
 */
export const CORS_ORIGINS_VARIABLE = 'CORS_ORIGINS';

/** The CORS headers besides the allowed origin, which is the caller's when it is allowed. */
export const CORS_HEADERS = {
  'Access-Control-Allow-Headers': 'Content-Type',
  'Access-Control-Allow-Methods': 'GET,POST,OPTIONS',
  'Access-Control-Expose-Headers': [NEXT_CURSOR_HEADER, PREV_CURSOR_HEADER, COUNT_ESTIMATE_HEADER, RANK_HEADER].join(
    ', ',
  ),
} as const;

/** The allowed origin to answer a request's `Origin` with, or undefined (no CORS header at all). */
export function allowedOrigin(allowed: readonly string[], origin: string | undefined): string | undefined {
  if (allowed.includes('*')) return '*';
  return origin !== undefined && allowed.includes(origin) ? origin : undefined;
}

/** Every CORS header of an answer to a request from `origin`: none when it is not allowed. */
export function corsHeadersFor(allowed: readonly string[], origin: string | undefined): Record<string, string> {
  const allow = allowedOrigin(allowed, origin);
  if (allow === undefined) return {};
  return { ...CORS_HEADERS, 'Access-Control-Allow-Origin': allow, ...(allow === '*' ? {} : { Vary: 'Origin' }) };
}

/**
 * The one Access-Control-Allow-Origin value the gateway's own answers (its 4xx and 5xx) can carry:
 * they are static, so only `*` or a single allowed origin; with several, they carry none.
 */
export function gatewayAllowedOrigin(allowed: readonly string[]): string | undefined {
  if (allowed.includes('*')) return '*';
  return allowed.length === 1 ? allowed[0] : undefined;
}

/** Reads the comma-separated origins list (the Lambdas' environment, the local gateway's options). */
export function parseOrigins(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
}

/** Body of the gateway's answer when the request model rejects a body. */
export const INVALID_BODY_PREFIX = 'Invalid request body';

/** `application/json`, with or without parameters such as charset: the only body a signup takes (else 415). */
export function isJsonBody(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The success body existing clients depend on. */
export const SIGNUP_SUCCESS_MESSAGE = 'Student signed up successfully';

/** Largest POST body the signup handler reads, in bytes. */
export const MAX_BODY_BYTES = 10 * 1024;

/** `?limit=` bounds for GET. */
export const LIST_LIMIT = { min: 1, max: 1000 } as const;
