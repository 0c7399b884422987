import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';

/**
 * Lets admins through; everyone else, signed in or not, gets exactly the answer of a URL that does
 * not exist, so nobody learns where the admin pages are.
 */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')?.role !== 'admin') throw new NotFound();
  await next();
};
