import type { Socket } from 'node:net';

type ConnectionSource = { on(event: 'connection', listener: (socket: Socket) => void): unknown };

/**
 * Closes, at once, every new connection from a client address that already holds `max` open ones
 * (Node's server): one address cannot take every socket the process can hold. Behind a load
 * balancer every connection comes from it, so the cap belongs there (TRUST_PROXY=1 skips it).
 */
export function capConnectionsPerAddress(server: ConnectionSource, max: number) {
  const open = new Map<string, number>();
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
