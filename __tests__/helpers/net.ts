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
