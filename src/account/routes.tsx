import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, setSessionCookie, signedIn } from '../auth/middleware.ts';
import { hashPassword } from '../auth/password.ts';
import { checkPassword, countAccountProbe } from '../auth/throttle.ts';
import { clientAddress } from '../web/client-address.ts';
import type { Sessions } from '../auth/session.ts';
import { passwordHashOf, updateEmail, updatePasswordHash, usedBytes } from '../auth/users.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { RateLimited } from '../web/errors.tsx';
import { showAgain } from '../web/forms.tsx';
import { currentPasswordField, emailField, newPasswordField } from '../auth/fields.ts';
import { deleteAccount } from './delete-account.ts';
import { SettingsPage, type FailedForm } from './views.tsx';

const CURRENT = 'Enter your current password';
const emailSchema = z.object({ email: emailField, current: currentPasswordField(CURRENT) });
const passwordSchema = z.object({ current: currentPasswordField(CURRENT), password: newPasswordField('The new password') });
const confirmSchema = z.object({ password: currentPasswordField('Enter your password to delete your account') });

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
  async function settings(c: Context<any>, failed?: FailedForm) {
    const { user, session } = signedIn(c);
    const [used, list] = await Promise.all([usedBytes(sql, user.id), sessions.listSessions(user.id, session.id)]);
    const page = <SettingsPage user={user} used={used} quota={config.upload.quotaBytes} sessions={list}
      notice={NOTICES[c.req.query('done') ?? '']} failed={failed} />;
    return renderPage(c, 'Settings', page, failed ? 422 : 200);
  }
  const refused = (form: FailedForm['form']) => showAgain<FailedForm['values']>((c, failed) => settings(c, { form, ...failed }));

  /**
   * The signed-in user's password, checked and counted exactly like a login (same limits); a
   * refusal over the limit is thrown.
   */
  async function checkCurrent(c: Context, password: string) {
    const { user } = signedIn(c);
    const hash = await passwordHashOf(sql, user.id);
    const account = hash === undefined ? undefined : { id: user.id, password_hash: hash };
    const check = await checkPassword(sql, account, { login: user.username, password, ip: clientAddress(c, config.trustProxy) });
    if (check.retryAfter) throw new RateLimited('Too many password attempts', check.retryAfter);
    return check.ok;
  }
  const WRONG = 'Your current password is not right';

  app.get('/settings', (c) => settings(c));

  app.post('/settings/email', zValidator('form', emailSchema, refused('email')), async (c) => {
    const { email, current } = c.req.valid('form');
    const { user } = signedIn(c);
    if (!(await checkCurrent(c, current))) return settings(c, { form: 'email', errors: { current: WRONG }, values: { email } });
    if (!(await updateEmail(sql, user.id, email))) {
      // Only the account's owner learns this, and only a few times per window: no way to test
      // many addresses for an account.
      const wait = await countAccountProbe(sql, user);
      if (wait) throw new RateLimited('Too many password attempts', wait);
      return settings(c, { form: 'email', errors: { email: 'An account with this email already exists' }, values: { email } });
    }
    return c.redirect('/settings?done=email', 303);
  });

  app.post('/settings/password', zValidator('form', passwordSchema, refused('password')), async (c) => {
    const { current, password } = c.req.valid('form');
    if (!(await checkCurrent(c, current))) return settings(c, { form: 'password', errors: { current: WRONG } });
    const { user } = signedIn(c);
    await updatePasswordHash(sql, user.id, await hashPassword(password));
    // Every session ends, this one too; this browser gets a fresh one.
    await sessions.invalidateUserSessions(user.id);
    setSessionCookie(c, await sessions.createSession(user.id, c.req.header('User-Agent') ?? ''));
    return c.redirect('/settings?done=password', 303);
  });

  app.post('/settings/sessions/sign-out-others', async (c) => {
    const { user, session } = signedIn(c);
    await sessions.invalidateOtherSessions(user.id, session.id);
    return c.redirect('/settings?done=sessions', 303);
  });

  app.post('/settings/delete-account', zValidator('form', confirmSchema, refused('delete')), async (c) => {
    if (!(await checkCurrent(c, c.req.valid('form').password))) {
      return settings(c, { form: 'delete', errors: { password: 'That password is not right; nothing was deleted' } });
    }
    const { user, session } = signedIn(c);
    await deleteAccount(deps, user.id);
    setSessionCookie(c, await sessions.invalidateSession(session.id));
    return c.redirect('/', 303);
  });

  return app;
}
