import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Cookie } from 'lucia';
import type { AppEnv } from '../web/env.ts';
import type { Sessions } from './session.ts';

export function setCookie(c: Context, cookie: Cookie) {
  c.header('Set-Cookie', cookie.serialize(), { append: true });
}

/** Sets `c.var.user` / `c.var.session` from the session cookie (null when signed out). */
export function loadSession(sessions: Sessions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('user', null);
    c.set('session', null);
    const id = getCookie(c, sessions.cookieName);
    if (id) {
      const { user, session, cookie } = await sessions.validateSession(id);
      c.set('user', user);
      c.set('session', session);
      if (cookie) setCookie(c, cookie);
    }
    await next();
  };
}

/** Lets signed-in users through; sends others to the login page (or a 401 for non-GET requests). */
export const requireUser: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get('user')) return next();
  if (c.req.method === 'GET') {
    const url = new URL(c.req.url);
    return c.redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`, 303);
  }
  return c.html('<p class="form-error" role="alert">You are signed out. <a href="/login">Log in</a> and try again.</p>', 401);
};

/**
 * A same-site path to return to after login; anything else becomes /dashboard. Browsers drop
 * tabs and newlines from URLs, so `/\t/evil.example` would become `//evil.example`: no control
 * characters, spaces or backslashes at all.
 */
export function safeNext(next: string | undefined) {
  return next && /^\/(?![/\\])[^\x00-\x20\\\x7f]*$/.test(next) ? next : '/dashboard';
}
