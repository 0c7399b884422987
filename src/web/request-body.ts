import type { Context } from 'hono';
import { Readable } from 'node:stream';
import type { RuntimeEnv } from './client-address.ts';

/** A request's headers, and its body as a Node stream. */
export type StreamedRequest = { headers: Headers; body: Readable };

/**
 * The request with its body as a Node stream. On Node, the connection's own (@hono/node-server's
 * `incoming`) when nothing has read the body yet: each chunk is spared the way through a web
 * stream and back, about a third of the CPU the server spends receiving an upload. Elsewhere (on
 * Deno, or a request made in-process) the web body, adapted.
 */
export function streamed(c: Context): StreamedRequest {
  const { headers } = c.req.raw;
  const incoming = (c.env as RuntimeEnv | undefined)?.incoming;
  // Checked before anything asks for the web body, which would start reading the connection.
  if (incoming && !incoming.readableDidRead && incoming.listenerCount('data') === 0) return { headers, body: incoming };
  const web = c.req.raw.body;
  return { headers, body: web ? Readable.fromWeb(web as import('node:stream/web').ReadableStream) : Readable.from([]) };
}
