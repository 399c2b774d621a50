/** Loopback addresses for outage tests. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** `http://127.0.0.1:<port>` of a port that was free a moment ago and now refuses connections. */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

/** A loopback HTTP test server standing in for the API: its `/dev/student` URL and a close that drops open sockets. */
export interface StandIn {
  url: string;
  close: () => void;
}

/** Listens on a free loopback port; `close` also ends connections the server left hanging. */
export async function listenAsStudentApi(server: http.Server): Promise<StandIn> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dev/student`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** A loopback stand-in for DynamoDB that answers every call with one documented error. */
export interface DynamoErrorStandIn {
  endpoint: string;
  /** How many calls it answered. */
  calls: () => number;
  close: () => void;
}

/** Errors dynalite cannot produce (throttling, a backfilling index, …): `type` is the error's `__type`. */
export async function dynamoErrorServer(type: string, message: string): Promise<DynamoErrorStandIn> {
  let calls = 0;
  const server = http.createServer((req, res) => {
    calls++;
    req.resume();
    res.writeHead(400, { 'Content-Type': 'application/x-amz-json-1.0' });
    res.end(JSON.stringify({ __type: type, message }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * What every in-process frontend of a test adds to its settings: a sealing secret, the signing
 * region, and the full view of the directory (the reference contract the page tests check; the
 * privacy tests set the other modes).
 */
export const TEST_FRONTEND_ENV = {
  SEAL_SECRET: Buffer.alloc(32, 1).toString('base64url'),
  AWS_REGION: 'us-east-1',
  DIRECTORY_MODE: 'public',
} as const;
