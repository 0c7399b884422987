import type { Context } from 'hono';

/**
 * True when htmx asked for a fragment to swap. A boosted or history request wants the full page,
 * like a request without JavaScript.
 */
export function wantsFragment(c: Context) {
  return c.req.header('HX-Request') === 'true' && c.req.header('HX-Request-Type') !== 'full';
}
