import type { Context } from 'hono';

/**
 * True when the client asked for a fragment to put into its page: htmx (a boosted or history
 * request wants the full page, like a request without JavaScript), or a script of ours that
 * sends `X-Fragment: 1` (the upload form). Errors answer such requests with a fragment too.
 */
export function wantsFragment(c: Context) {
  if (c.req.header('X-Fragment') === '1') return true;
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-Request-Type') !== 'full';
}
