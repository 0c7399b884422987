import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { emailField, newPasswordField } from '../auth/fields.ts';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { hashPassword } from '../auth/password.ts';
import type { Sessions } from '../auth/session.ts';
import { ACCOUNT_DISABLED, type SignIn } from '../auth/sign-in.ts';
import { endChallenges } from '../auth/challenges.sql.ts';
import { isDisabled, updatePasswordHash } from '../auth/users.sql.ts';
import { Forbidden } from '../web/errors.tsx';
import { clientAddress } from '../web/client-address.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { showAgain, type FieldErrors } from '../web/forms.tsx';
import { originOf } from '../web/origin.ts';
import { renderPage } from '../web/render.tsx';
import { accountById, markVerified, verifyEmail } from './accounts.sql.ts';
import { consumeToken, findToken, type Purpose } from './tokens.sql.ts';
import { countMail, MAIL_LIMITS } from './limits.ts';
import { ForgotForm, ForgotSent, LinkGone, ResetForm, VerifyForm } from './views.tsx';

const AGAIN: Record<Purpose, { href: string; label: string }> = {
  reset: { href: '/password/forgot', label: 'Send me a new link' },
  verify: { href: '/settings#email', label: 'Send a new link from settings' },
};

export function recoveryRoutes(deps: Deps, sessions: Sessions, signIn: SignIn) {
  const { sql, config, mail } = deps;
  const app = new Hono<AppEnv>();
  const linkGone = (c: Context, purpose: Purpose) => renderPage(c, 'Link expired', <LinkGone again={AGAIN[purpose]} />, 404);

  /** The new-password form of a live reset link (with the refused form's messages), or the page of a dead one. */
  async function resetForm(c: Context, errors?: FieldErrors) {
    const token = c.req.param('token')!;
    const found = await findToken(sql, token, 'reset');
    const account = found && (await accountById(sql, found.user_id));
    if (!account) return linkGone(c, 'reset');
    return renderPage(c, 'Choose a new password', <ResetForm token={token} username={account.username} errors={errors} />, errors ? 422 : 200);
  }

  app.get('/password/forgot', (c) => renderPage(c, 'Forgot password', <ForgotForm />));
  app.post(
    '/password/forgot',
    zValidator('form', z.object({ email: emailField }), showAgain<{ email?: string }>(async (c, f) =>
      renderPage(c, 'Forgot password', <ForgotForm email={f.values.email} errors={f.errors} />, 422))),
    async (c) => {
      const { email } = c.req.valid('form');
      // The request does the same work for every address: the counters and one queued row.
      // Whether an account uses it is looked up only when the mail is made, after the answer.
      // The client first: one over its limit must not use up other addresses' allowance.
      await countMail(sql, `reset:client:${clientAddress(c, config.trustProxy)}`, MAIL_LIMITS.client);
      await countMail(sql, `reset:address:${email.toLowerCase()}`, MAIL_LIMITS.address);
      await mail.send('password-reset', email, {}, originOf(c, config.publicUrl));
      return renderPage(c, 'Check your inbox', <ForgotSent email={email} />);
    },
  );

  app.get('/password/reset/:token', async (c) => {
    return resetForm(c);
  });
  app.post(
    '/password/reset/:token',
    zValidator('form', z.object({ password: newPasswordField('Password') }), showAgain((c, f) => resetForm(c, f.errors))),
    async (c) => {
      // A dead link costs a lookup, not a password hash.
      const live = await findToken(sql, c.req.param('token'), 'reset');
      if (!live) return linkGone(c, 'reset');
      // A disabled account gets no way back in, and keeps its password (and the link) as they were.
      if (await isDisabled(sql, live.user_id)) throw new Forbidden(ACCOUNT_DISABLED);
      const hash = await hashPassword(c.req.valid('form').password);
      const used = await sql.begin(async (tx) => {
        const row = await consumeToken(tx, c.req.param('token'), 'reset');
        if (!row) return undefined;
        await updatePasswordHash(tx, row.user_id, hash);
        await markVerified(tx, row.user_id, row.email);
        await endChallenges(tx, row.user_id);
        return row;
      });
      if (!used) return linkGone(c, 'reset');
      // Everyone signed in with the old password is signed out; this browser signs in anew,
      // through the second factor when the account has one.
      await sessions.invalidateUserSessions(used.user_id);
      flash(c, 'Your password was changed; every session was signed out.');
      return signIn.afterFirstFactor(c, used.user_id, '/dashboard');
    },
  );

  // Following the link shows a button: a GET changes nothing, so a mail scanner that opens every
  // link does not use the token up.
  app.get('/email/verify/:token', async (c) => {
    const token = c.req.param('token');
    const found = await findToken(sql, token, 'verify');
    return found ? renderPage(c, 'Confirm your email', <VerifyForm token={token} email={found.email} />) : linkGone(c, 'verify');
  });
  app.post('/email/verify/:token', async (c) => {
    const ok = await sql.begin(async (tx) => {
      const row = await consumeToken(tx, c.req.param('token'), 'verify');
      return !!row && (await verifyEmail(tx, row.user_id, row.email));
    });
    if (!ok) return linkGone(c, 'verify');
    flash(c, 'Your email address is confirmed.');
    return c.redirect(c.get('user') ? '/settings' : '/login', 303);
  });

  app.post('/settings/email/verify', requireUser, async (c) => {
    const { user } = signedIn(c);
    const account = (await accountById(sql, user.id))!;
    const address = account.pending_email ?? (account.verified ? undefined : account.email);
    if (address) {
      await countMail(sql, `verify:account:${user.id}`, MAIL_LIMITS.resend);
      await mail.send('verify-email', address, { userId: user.id }, originOf(c, config.publicUrl));
    }
    return c.redirect('/settings?done=verify#email', 303);
  });

  return app;
}
