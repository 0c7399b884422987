import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, setSessionCookie, signedIn } from '../auth/middleware.ts';
import { hashPassword } from '../auth/password.ts';
import { countAccountProbe } from '../auth/throttle.ts';
import { checkCurrentPassword } from '../auth/current-password.ts';
import type { Sessions } from '../auth/session.ts';
import type { SignIn } from '../auth/sign-in.ts';
import { keepAnAdmin, Refused, updatePasswordHash } from '../auth/users.sql.ts';
import { accountById, emailInUse, setPendingEmail } from '../recovery/accounts.sql.ts';
import { endChallenges } from '../auth/challenges.sql.ts';
import { notifyOwner } from '../recovery/notices.ts';
import { countMail, MAIL_LIMITS } from '../recovery/limits.ts';
import { dropTokens } from '../recovery/tokens.sql.ts';
import { originOf } from '../web/origin.ts';
import { securityOf } from './security.ts';
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
  email: 'We sent a confirmation link to your new address. Your account keeps its current address until you follow it.',
  verify: 'We sent a new confirmation link.',
  password: 'Your password was changed; every other session was signed out.',
  sessions: 'Every other session was signed out.',
};

export function accountRoutes(deps: Deps, sessions: Sessions, signIn: SignIn) {
  const { sql, config, mail } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings', requireUser);
  app.use('/settings/*', requireUser);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  async function settings(c: Context<any>, failed?: FailedForm) {
    const { user, session } = signedIn(c);
    const [list, security] = await Promise.all([sessions.listSessions(user.id, session.id), securityOf(sql, user.id)]);
    const page = <SettingsPage user={user} {...user.storage} sessions={list} security={security}
      notice={NOTICES[c.req.query('done') ?? '']} failed={failed} />;
    return renderPage(c, 'Settings', page, failed ? 422 : 200);
  }
  const refused = (form: FailedForm['form']) => showAgain<FailedForm['values']>((c, failed) => settings(c, { form, ...failed }));

  const checkCurrent = (c: Context, password: string) => checkCurrentPassword(deps, c, password);
  const WRONG = 'Your current password is not right';

  app.get('/settings', (c) => settings(c));

  app.post('/settings/email', zValidator('form', emailSchema, refused('email')), async (c) => {
    const { email, current } = c.req.valid('form');
    const { user } = signedIn(c);
    if (!(await checkCurrent(c, current))) return settings(c, { form: 'email', errors: { current: WRONG }, values: { email } });
    const account = (await accountById(sql, user.id))!;
    if (email.toLowerCase() === account.email.toLowerCase()) {
      await setPendingEmail(sql, user.id, null);
      return c.redirect('/settings#email', 303);
    }
    if (await emailInUse(sql, email)) {
      // Only the account's owner learns this, and only a few times per window: no way to test
      // many addresses for an account.
      const wait = await countAccountProbe(sql, user);
      if (wait) throw new RateLimited('Too many password attempts', wait);
      return settings(c, { form: 'email', errors: { email: 'An account with this email already exists' }, values: { email } });
    }
    // Counted like "send the link again": each change mails two addresses.
    await countMail(sql, `verify:account:${user.id}`, MAIL_LIMITS.resend);
    // The old address stays in force until the new one is confirmed, and hears of the change.
    await setPendingEmail(sql, user.id, email);
    const origin = originOf(c, config.publicUrl);
    await mail.send('verify-email', email, { userId: user.id }, origin);
    await mail.send('email-change-notice', account.email, { username: user.username, newEmail: email }, origin);
    return c.redirect('/settings?done=email#email', 303);
  });

  app.post('/settings/password', zValidator('form', passwordSchema, refused('password')), async (c) => {
    const { current, password } = c.req.valid('form');
    if (!(await checkCurrent(c, current))) return settings(c, { form: 'password', errors: { current: WRONG } });
    const { user } = signedIn(c);
    await sql.begin(async (tx) => {
      await updatePasswordHash(tx, user.id, await hashPassword(password));
      // Nothing begun with the old password goes on: waiting sign-ins, reset links.
      await endChallenges(tx, user.id);
      await dropTokens(tx, user.id, 'reset');
    });
    // Every session ends, this one too; this browser gets a fresh one.
    await sessions.invalidateUserSessions(user.id);
    await notifyOwner(deps, c, 'The password was changed');
    await signIn.startSession(c, user.id);
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
    try {
      await deleteAccount(deps, user.id, (tx) => keepAnAdmin(tx, user.id));
    } catch (err) {
      if (err instanceof Refused) return settings(c, { form: 'delete', errors: { password: `${err.message} Nothing was deleted.` } });
      throw err;
    }
    setSessionCookie(c, await sessions.invalidateSession(session.id));
    return c.redirect('/', 303);
  });

  return app;
}
