import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './env.ts';

const COOKIE = 'flash';

/**
 * A one-time message for the page after a redirect ("Deleted 3 images"). It travels in a
 * short-lived cookie, not in server memory, so any instance can show it, without JavaScript.
 */
export function flash(c: Context, message: string) {
  setCookie(c, COOKIE, message.slice(0, 200), { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: 60 });
}

/** Sets `c.var.flash` from the cookie and clears it, so it shows exactly once. */
export const readFlash: MiddlewareHandler<AppEnv> = async (c, next) => {
  const value = getCookie(c, COOKIE);
  if (value && c.req.method === 'GET' && c.req.header('HX-Request') !== 'true') {
    c.set('flash', value);
    deleteCookie(c, COOKIE, { path: '/' });
  }
  await next();
};
