import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../web/env.ts';

/**
 * Whether signed-out visitors may browse the gallery's lists (the admin's `gallery_public`), read
 * from the database for each request by `read` (with the public lists' version, one read shared
 * by concurrent requests: lists/public-changes.ts), so every instance obeys a change at once.
 */
export function visitorsOf<State extends { open: boolean }>(read: () => Promise<State>) {
  const reads = new WeakMap<Context, Promise<State>>();
  /** The public state as this request read it: once, then shared by this guard and the page cache. */
  const stateOf = (c: Context) => {
    let state = reads.get(c);
    if (!state) reads.set(c, (state = read()));
    return state;
  };
  const mayBrowse = async () => (await read()).open;
  /**
   * Sends signed-out visitors to log in while the gallery is for members only. A search's page is
   * made while the admin's word is read, not after it (one wait, not two: a search served about 1.2
   * times as many requests; bench/HISTORY.md, "The admin's word read beside the page"): a GET
   * changes nothing, and when the gallery is closed its page is dropped, headers and all, for the
   * redirect. Other pages come from the page cache, which waits for this same read anyway: made
   * beside it, they gain nothing.
   */
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.get('user')) return next();
    const toLogin = () => {
      const url = new URL(c.req.url);
      return new Response(null, { status: 303, headers: { Location: `/login?next=${encodeURIComponent(url.pathname + url.search)}` } });
    };
    if (c.req.method !== 'GET' || !c.req.query('q')) return (await stateOf(c)).open ? next() : toLogin();
    const [{ open }] = await Promise.all([stateOf(c), next()]);
    if (open) return;
    await c.res.body?.cancel();
    c.res = undefined; // else Hono would carry the page's headers over to the redirect
    c.res = toLogin();
  };
  return { mayBrowse, guard, stateOf };
}
