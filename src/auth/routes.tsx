import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { randomId } from '../web/ids.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { RateLimited } from '../web/errors.tsx';
import { fieldErrors, type FieldErrors } from '../web/forms.tsx';
import { isUniqueViolation } from '../db/client.ts';
import { emailField, newPasswordField, usernameField } from './fields.ts';
import { hashPassword } from './password.ts';
import type { Sessions } from './session.ts';
import { findTaken, findUserByLogin } from './users.sql.ts';
import { LoginForm, SignupClosed, SignupForm } from './views.tsx';
import { createAccount, signupRefusal } from './registration.ts';
import { setSessionCookie } from './middleware.ts';
import { ACCOUNT_DISABLED, type SignIn } from './sign-in.ts';
import { originOf } from '../web/origin.ts';
import { checkPassword, countSignup } from './throttle.ts';
import { clientAddress } from '../web/client-address.ts';

const signupSchema = z.object({
  email: emailField, username: usernameField, password: newPasswordField('Password'), invite: z.string().max(100).optional(),
});

const loginSchema = z.object({
  username: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
  next: z.string().max(2048).optional(),
});

const LOGIN_FAILED = 'Wrong username/email or password.';

export function authRoutes({ sql, config, mail }: Deps, sessions: Sessions, signIn: SignIn) {
  const app = new Hono<AppEnv>();
  const address = (c: Context) => clientAddress(c, config.trustProxy);

  app.get('/signup', async (c) => {
    const invite = c.req.query('invite');
    const refusal = await signupRefusal(sql, invite);
    if (refusal) return renderPage(c, 'Sign up', <SignupClosed message={refusal} />);
    return renderPage(c, 'Sign up', <SignupForm values={{ invite }} />);
  });

  app.post(
    '/signup',
    zValidator('form', signupSchema, (r, c) => {
      if (r.success) return;
      const values = r.data as Record<string, string>;
      return renderPage(c, 'Sign up', <SignupForm values={values} errors={fieldErrors(r.error)} />, 422);
    }),
    async (c) => {
      const form = c.req.valid('form');
      const wait = await countSignup(sql, address(c), config.signupsPerHour);
      if (wait) throw new RateLimited('Too many sign-ups from your network', wait);
      const closed = (message: string) => renderPage(c, 'Sign up', <SignupClosed message={message} />, 403);
      const refusal = await signupRefusal(sql, form.invite, form.email);
      if (refusal) return closed(refusal);
      const taken = await findTaken(sql, form.email, form.username);
      const errors: FieldErrors = {};
      if (taken.email) errors.email = 'An account with this email already exists';
      if (taken.username) errors.username = 'This username is taken';
      if (errors.email || errors.username) {
        return renderPage(c, 'Sign up', <SignupForm values={form} errors={errors} />, 422);
      }
      const id = randomId();
      try {
        const user = { id, email: form.email, username: form.username, password_hash: await hashPassword(form.password) };
        const { refused } = await createAccount(sql, config, user, form.invite);
        if (refused) return closed(refused);
      } catch (err) {
        // Two sign-ups raced for the same name: the unique index decided.
        if (!isUniqueViolation(err)) throw err;
        return renderPage(c, 'Sign up', <SignupForm values={form} errors={{ form: 'That email or username was just taken' }} />, 422);
      }
      await signIn.startSession(c, id);
      await mail.send('verify-email', form.email, { userId: id }, originOf(c, config.publicUrl));
      return c.redirect('/dashboard', 303);
    },
  );

  app.get('/login', (c) => renderPage(c, 'Log in', <LoginForm next={c.req.query('next')} />));

  app.post(
    '/login',
    zValidator('form', loginSchema, (r, c) => {
      if (r.success) return;
      const login = (r.data as Record<string, string>).username;
      return renderPage(c, 'Log in', <LoginForm login={login} error={LOGIN_FAILED} />, 401);
    }),
    async (c) => {
      const { username, password, next } = c.req.valid('form');
      const user = await findUserByLogin(sql, username);
      const check = await checkPassword(sql, user, { login: username, password, ip: address(c) }, config.loginAttemptsPerAddress);
      if (check.retryAfter) throw new RateLimited('Too many login attempts', check.retryAfter);
      if (!user || !check.ok) return renderPage(c, 'Log in', <LoginForm login={username} error={LOGIN_FAILED} next={next} />, 401);
      // Said only after the right password, so it tells nothing about an account to anyone else.
      if (user.disabled) return renderPage(c, 'Log in', <LoginForm login={username} error={ACCOUNT_DISABLED} next={next} />, 403);
      return signIn.afterFirstFactor(c, user.id, next);
    },
  );

  app.post('/logout', async (c) => {
    const session = c.get('session');
    if (session) setSessionCookie(c, await sessions.invalidateSession(session.id));
    return c.redirect('/', 303);
  });

  return app;
}
