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
  /** Sends signed-out visitors to log in while the gallery is for members only. */
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.get('user') || (await stateOf(c)).open) return next();
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  };
  return { mayBrowse, guard, stateOf };
}
