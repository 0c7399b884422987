import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Sql } from '../db/client.ts';
import type { AppEnv } from '../web/env.ts';
import { createChallenge, endChallenge } from './challenges.sql.ts';
import { safeNext, setSessionCookie } from './middleware.ts';
import type { Sessions } from './session.ts';
import { isDisabled } from './users.sql.ts';
import { Forbidden } from '../web/errors.tsx';

export type SignIn = ReturnType<typeof signInWith>;

export const ACCOUNT_DISABLED = 'This account has been disabled by the admin of this instance.';

/**
 * The last steps of every sign-in (password, reset link, second factor, passkey), in one place so
 * none can skip the others' rules: a fresh session (never one the browser brought), or, after a
 * first factor with two-factor login on, the second-factor step instead of any session.
 * `needsSecondFactor` says whether an account has one (two-factor login knows; auth does not).
 */
export function signInWith(sql: Sql, sessions: Sessions, secure: boolean, needsSecondFactor: (userId: string) => Promise<boolean>) {
  const challengeCookie = secure ? '__Host-login2fa' : 'login2fa';
  const cookieOptions = { httpOnly: true, secure, sameSite: 'Lax', path: '/', maxAge: 10 * 60 } as const;

  /** A disabled account gets no session and no second-factor step, whichever way it came in. */
  async function refuseDisabled(userId: string) {
    if (await isDisabled(sql, userId)) throw new Forbidden(ACCOUNT_DISABLED);
  }

  async function openSession(c: Context<AppEnv>, userId: string) {
    const old = c.get('session');
    if (old) await sessions.invalidateSession(old.id);
    setSessionCookie(c, await sessions.createSession(userId, c.req.header('User-Agent') ?? ''));
  }

  return {
    /** Ends the session the browser had and starts a new one for `userId`. */
    async startSession(c: Context<AppEnv>, userId: string) {
      await refuseDisabled(userId);
      await openSession(c, userId);
    },
    /** After a first factor: to the second-factor step when the account has one, else signed in and on to `next`. */
    async afterFirstFactor(c: Context<AppEnv>, userId: string, next?: string) {
      await refuseDisabled(userId);
      if (!(await needsSecondFactor(userId))) {
        await openSession(c, userId);
        return c.redirect(safeNext(next), 303);
      }
      const token = randomBytes(32).toString('base64url');
      await createChallenge(sql, token, userId, safeNext(next));
      setCookie(c, challengeCookie, token, cookieOptions);
      return c.redirect('/login/2fa', 303);
    },
    /** The waiting sign-in's token, if the browser has one. */
    challengeOf: (c: Context) => getCookie(c, challengeCookie),
    /** Ends the browser's waiting sign-in, if any (a sign-in completed another way). */
    async forgetChallenge(c: Context) {
      const token = getCookie(c, challengeCookie);
      if (token) await endChallenge(sql, token);
      deleteCookie(c, challengeCookie, { path: '/', secure });
    },
  };
}
