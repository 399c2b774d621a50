/**
 * Listening for the local tiers: a port in use becomes an error that names the tier and the port.
 */
import net, { type Server } from 'node:net';

/** Listens, turning "port in use" into an error that names the tier and the port. */
export function listen(server: Server, port: number, host: string, tier: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE')
        reject(
          new Error(`${tier}: port ${port} on ${host} is already in use; stop what uses it or choose another port`),
        );
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Fails early, with the tier's name, when a fixed port is taken. */
export async function ensurePortFree(port: number, host: string, tier: string): Promise<void> {
  if (port === 0) return;
  const probe = net.createServer();
  await listen(probe, port, host, tier);
  await new Promise<void>((r) => probe.close(() => r()));
}
