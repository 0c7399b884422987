import { createServer } from 'node:net';

/** A TCP port on loopback that nothing listens on right now. */
export async function freePort() {
  return new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
