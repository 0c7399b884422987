import type { Context } from 'hono';
import type { IncomingMessage } from 'node:http';

/** What the runtime hands a request besides it: @hono/node-server's connection, or Deno.serve's handler info. */
export type RuntimeEnv = {
  incoming?: IncomingMessage;
  remoteAddr?: { hostname?: string };
};

/**
 * The client's address: the connection's peer, or with `trustProxy` (behind one load balancer
 * that appends it) the last X-Forwarded-For entry: the ones before it are whatever the client sent.
 */
export function clientAddress(c: Context, trustProxy: boolean) {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',').pop()?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as RuntimeEnv | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.remoteAddr?.hostname ?? 'unknown';
}
