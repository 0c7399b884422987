import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, setCookie } from '../auth/middleware.ts';
import { hashPassword } from '../auth/password.ts';
import { checkPassword, countAccountProbe } from '../auth/throttle.ts';
import { clientAddress } from '../web/client-address.ts';
import type { Sessions } from '../auth/session.ts';
import { updateEmail, updatePasswordHash } from '../auth/users.sql.ts';
import { usedBytes } from '../images/images.sql.ts';
import { purgeObjects } from '../janitor/purge.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage, renderTooMany } from '../web/render.tsx';
import { deleteAccount, passwordHashOf } from './account.sql.ts';
import { SettingsPage, type SettingsErrors } from './views.tsx';

const confirmSchema = z.object({ password: z.string().min(1).max(256) });
const passwordSchema = z.object({
  current: z.string().min(1, 'Enter your current password').max(256),
  password: z.string().min(8, 'The new password must be at least 8 characters').max(256, 'The new password must be at most 256 characters'),
});

const emailSchema = z.object({
  email: z.string().trim().max(254, 'Email is too long').pipe(z.email('Enter a valid email address')),
  current: z.string().min(1, 'Enter your current password').max(256),
});

const NOTICES: Record<string, string> = {
  email: 'Your email address was changed.',
  password: 'Your password was changed; every other session was signed out.',
  sessions: 'Every other session was signed out.',
};

export function accountRoutes(deps: Deps, sessions: Sessions) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings', requireUser);
  app.use('/settings/*', requireUser);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  async function settings(c: Context<any>, errors?: SettingsErrors) {
    const ctx = c as Context<AppEnv>;
    const user = ctx.get('user')!;
    const [used, list] = await Promise.all([usedBytes(sql, user.id), sessions.listSessions(user.id, ctx.get('session')!.id)]);
    const page = <SettingsPage user={user} used={used} quota={config.upload.quotaBytes} sessions={list}
      notice={NOTICES[c.req.query('done') ?? '']} errors={errors} />;
    return renderPage(c, 'Settings', page, errors ? 422 : 200);
  }

  /** The signed-in user's password, checked and counted exactly like a login (same limits). */
  async function checkCurrent(c: Context<AppEnv>, password: string) {
    const user = c.get('user')!;
    const hash = await passwordHashOf(sql, user.id);
    const account = hash === undefined ? undefined : { id: user.id, password_hash: hash };
    return checkPassword(sql, account, { login: user.username, password, ip: clientAddress(c, config.trustProxy) });
  }
  const tooMany = (c: Context<AppEnv>, seconds: number) => renderTooMany(c, seconds, 'Too many password attempts');

  app.get('/settings', (c) => settings(c));

  app.post('/settings/email', zValidator('form', emailSchema, (r, c) => {
    if (!r.success) return settings(c, { email: r.error.issues[0]!.message });
  }), async (c) => {
    const { email, current } = c.req.valid('form');
    const check = await checkCurrent(c, current);
    if (check.retryAfter) return tooMany(c, check.retryAfter);
    if (!check.ok) return settings(c, { email: 'Your current password is not right' });
    if (!(await updateEmail(sql, c.get('user')!.id, email))) {
      // Only the account's owner learns this, and only a few times per window: no way to test
      // many addresses for an account.
      const wait = await countAccountProbe(sql, c.get('user')!);
      if (wait) return tooMany(c, wait);
      return settings(c, { email: 'An account with this email already exists' });
    }
    return c.redirect('/settings?done=email', 303);
  });

  app.post('/settings/password', zValidator('form', passwordSchema, (r, c) => {
    if (!r.success) return settings(c, { password: r.error.issues[0]!.message });
  }), async (c) => {
    const { current, password } = c.req.valid('form');
    const check = await checkCurrent(c, current);
    if (check.retryAfter) return tooMany(c, check.retryAfter);
    if (!check.ok) return settings(c, { password: 'Your current password is not right' });
    const user = c.get('user')!;
    await updatePasswordHash(sql, user.id, await hashPassword(password));
    // Every session ends, this one too; this browser gets a fresh one.
    await sessions.invalidateUserSessions(user.id);
    setCookie(c, await sessions.createSession(user.id, c.req.header('User-Agent') ?? ''));
    return c.redirect('/settings?done=password', 303);
  });

  app.post('/settings/sessions/sign-out-others', async (c) => {
    await sessions.invalidateOtherSessions(c.get('user')!.id, c.get('session')!.id);
    return c.redirect('/settings?done=sessions', 303);
  });

  app.post('/settings/delete-account', zValidator('form', confirmSchema, (r, c) => {
    if (!r.success) return settings(c, { delete: 'Enter your password to delete your account' });
  }), async (c) => {
    const check = await checkCurrent(c, c.req.valid('form').password);
    if (check.retryAfter) return tooMany(c, check.retryAfter);
    if (!check.ok) return settings(c, { delete: 'That password is not right; nothing was deleted' });
    const keys = await deleteAccount(sql, c.get('user')!.id);
    await purgeObjects(deps, keys, true);
    setCookie(c, await sessions.invalidateSession(c.get('session')!.id));
    return c.redirect('/', 303);
  });

  return app;
}
