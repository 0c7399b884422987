import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Cookie } from 'lucia';
import type { AppEnv, Viewer } from '../web/env.ts';
import { SignedOut } from '../web/errors.tsx';
import { isLocalPath } from '../web/flash.ts';
import type { Sessions } from './session.ts';

export function setSessionCookie(c: Context, cookie: Cookie) {
  c.header('Set-Cookie', cookie.serialize(), { append: true });
}

/**
 * The signed-in user and session of a request that `requireUser` let through; throws SignedOut
 * when there is none, so a route that forgot the guard fails closed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
export function signedIn(c: Context<any>): { user: Viewer; session: { id: string } } {
  const user = (c as Context<AppEnv>).get('user');
  const session = (c as Context<AppEnv>).get('session');
  if (!user || !session) throw new SignedOut();
  return { user, session };
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
      if (cookie) setSessionCookie(c, cookie);
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
  throw new SignedOut();
};

/** A path of this site to return to after login (as isLocalPath says); anything else becomes /dashboard. */
export function safeNext(next: string | undefined) {
  return next && isLocalPath(next) ? next : '/dashboard';
}
