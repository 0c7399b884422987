import type { MiddlewareHandler } from 'hono';
import type { Sql } from '../db/client.ts';
import { freshRead } from '../db/fresh-read.ts';
import type { AppEnv } from '../web/env.ts';

export type Visitors = ReturnType<typeof visitorsOf>;

/**
 * Whether signed-out visitors may browse the gallery's lists (the admin's `gallery_public`), read
 * from the database for each request (one read shared by concurrent ones), so every instance
 * obeys a change at once.
 */
export function visitorsOf(sql: Sql) {
  const mayBrowse = freshRead(async () => (await sql<{ open: boolean }[]>`select gallery_public as open from instance_settings`)[0]!.open);
  /** Sends signed-out visitors to log in while the gallery is for members only. */
  const guard: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (c.get('user') || (await mayBrowse())) return next();
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  };
  return { mayBrowse, guard };
}
