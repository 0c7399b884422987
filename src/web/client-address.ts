import type { Context } from 'hono';

type RuntimeEnv = {
  incoming?: { socket?: { remoteAddress?: string } }; // @hono/node-server
  remoteAddr?: { hostname?: string }; // Deno.serve's handler info
};

/**
 * The client's address: the connection's peer, or with `trustProxy` (behind a load balancer that
 * sets it) the first X-Forwarded-For entry.
 */
export function clientAddress(c: Context, trustProxy: boolean) {
  if (trustProxy) {
    const forwarded = c.req.header('X-Forwarded-For')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as RuntimeEnv | undefined;
  return env?.incoming?.socket?.remoteAddress ?? env?.remoteAddr?.hostname ?? 'unknown';
}
