import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { endChallenge, findChallenge } from '../auth/challenges.sql.ts';
import { checkCurrentPassword } from '../auth/current-password.ts';
import { currentPasswordField } from '../auth/fields.ts';
import { requireUser, signedIn } from '../auth/middleware.ts';
import type { SignIn } from '../auth/sign-in.ts';
import { clearSecondFactor, countSecondFactor } from '../auth/throttle.ts';
import { clientAddress } from '../web/client-address.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { RateLimited } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { showAgain, type FieldErrors } from '../web/forms.tsx';
import { renderPage } from '../web/render.tsx';
import { checkSecondFactor } from './second-factor.ts';
import { hashRecoveryCode, matchStep, newRecoveryCodes, newTotpKey, qrSvg, totpUri } from './totp.ts';
import { disableTotp, enableTotp, recoveryCodesLeft, replaceRecoveryCodes, totpOf } from './two-factor.sql.ts';
import { EnableTotp, RecoveryCodes, SecondFactorForm, TotpOn } from './views.tsx';

const codeField = z.string({ error: 'Enter a code' }).trim().min(1, 'Enter a code').max(20, 'That is not a code');
const enableSchema = z.object({
  secret: z.string().regex(/^[A-Za-z0-9_-]{27}$/, 'Start again: the key was damaged'),
  code: codeField,
  password: currentPasswordField('Enter your password'),
});
const offSchema = z.object({ password: currentPasswordField('Enter your password'), code: codeField });
const codesSchema = z.object({ password: currentPasswordField('Enter your password') });
const WRONG_CODE = 'That code is not right (or was already used)';

export function twoFactorRoutes(deps: Deps, signIn: SignIn) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings/2fa', requireUser);
  app.use('/settings/2fa/*', requireUser);
  const address = (c: Context) => clientAddress(c, config.trustProxy);

  /** A code the account's owner typed, counted like a password guess (throws when over the limit). */
  async function secondFactor(c: Context, userId: string, code: string) {
    const wait = await countSecondFactor(sql, userId, address(c));
    if (wait) throw new RateLimited('Too many codes tried', wait);
    const ok = await checkSecondFactor(sql, userId, code);
    if (ok) await clearSecondFactor(sql, userId);
    return ok;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  async function page(c: Context<any>, failed?: { form: 'off' | 'codes'; errors: FieldErrors }, secret?: { key: Uint8Array; errors?: FieldErrors }) {
    const { user } = signedIn(c);
    if (await totpOf(sql, user.id)) {
      const notice = c.req.query('done') === 'on' ? 'Two-factor login is on.' : undefined;
      return renderPage(c, 'Two-factor login', <TotpOn codesLeft={await recoveryCodesLeft(sql, user.id)} notice={notice} {...failed} />,
        failed ? 422 : 200);
    }
    // A new key on every visit until one is confirmed: nothing is stored before that.
    const key = secret?.key ?? newTotpKey();
    const uri = totpUri(key, user.username);
    const manual = new URL(uri).searchParams.get('secret')!.replace(/(.{4})/g, '$1 ').trim();
    const view = <EnableTotp uri={uri} qr={await qrSvg(uri)} secret={Buffer.from(key).toString('base64url')} manual={manual} errors={secret?.errors} />;
    return renderPage(c, 'Two-factor login', view, secret?.errors ? 422 : 200);
  }

  async function showCodes(c: Context, userId: string, make: (hashes: string[]) => Promise<void>) {
    const codes = newRecoveryCodes();
    await make(codes.map(hashRecoveryCode));
    return renderPage(c, 'Recovery codes', <RecoveryCodes codes={codes} />);
  }

  app.get('/settings/2fa', (c) => page(c));

  // The key the app scanned comes back with the form, so a refused form keeps it (a damaged one
  // cannot be kept: a new one is shown).
  const keyOf = (secret: unknown) => (typeof secret === 'string' && /^[\w-]{27}$/.test(secret) ? new Uint8Array(Buffer.from(secret, 'base64url')) : newTotpKey());

  app.post('/settings/2fa', zValidator('form', enableSchema, showAgain<{ secret?: string }>(async (c, f) =>
    page(c, undefined, { key: keyOf(f.values.secret), errors: f.errors }))), async (c) => {
    const { user } = signedIn(c);
    if (await totpOf(sql, user.id)) return c.redirect('/settings/2fa', 303);
    const form = c.req.valid('form');
    const key = keyOf(form.secret);
    // Like turning it off: a session alone (a borrowed laptop) must not lock the owner out.
    if (!(await checkCurrentPassword(deps, c, form.password))) return page(c, undefined, { key, errors: { password: 'That password is not right' } });
    const step = matchStep(key, form.code.replace(/\s/g, ''), 0n);
    if (step === undefined) return page(c, undefined, { key, errors: { code: 'That code is not right; check the time on your phone and try the next one' } });
    return showCodes(c, user.id, (hashes) => sql.begin((tx) => enableTotp(tx, user.id, key, step, hashes)));
  });

  app.post('/settings/2fa/disable', zValidator('form', offSchema, showAgain((c, f) => page(c, { form: 'off', ...f }))), async (c) => {
    const { user } = signedIn(c);
    const { password, code } = c.req.valid('form');
    if (!(await checkCurrentPassword(deps, c, password))) return page(c, { form: 'off', errors: { password: 'That password is not right' } });
    if (!(await secondFactor(c, user.id, code))) return page(c, { form: 'off', errors: { code: WRONG_CODE } });
    await sql.begin((tx) => disableTotp(tx, user.id));
    flash(c, 'Two-factor login is off.');
    return c.redirect('/settings#security', 303);
  });

  app.post('/settings/2fa/recovery-codes', zValidator('form', codesSchema, showAgain((c, f) => page(c, { form: 'codes', ...f }))), async (c) => {
    const { user } = signedIn(c);
    if (!(await totpOf(sql, user.id))) return c.redirect('/settings/2fa', 303);
    if (!(await checkCurrentPassword(deps, c, c.req.valid('form').password))) {
      return page(c, { form: 'codes', errors: { password: 'That password is not right' } });
    }
    return showCodes(c, user.id, (hashes) => sql.begin((tx) => replaceRecoveryCodes(tx, user.id, hashes)));
  });

  // The second step of a log-in: only a browser holding a waiting sign-in gets here.
  async function waiting(c: Context) {
    const token = signIn.challengeOf(c);
    const found = token ? await findChallenge(sql, token) : undefined;
    return found && { token: token!, ...found };
  }
  const startAgain = (c: Context) => {
    flash(c, 'Your log-in expired; enter your password again.');
    return c.redirect('/login', 303);
  };

  app.get('/login/2fa', async (c) => ((await waiting(c)) ? renderPage(c, 'Two-factor login', <SecondFactorForm />) : startAgain(c)));
  app.post('/login/2fa', zValidator('form', z.object({ code: codeField }), showAgain(async (c, f) =>
    renderPage(c, 'Two-factor login', <SecondFactorForm error={f.errors.code} />, 422))), async (c) => {
    const challenge = await waiting(c);
    if (!challenge) return startAgain(c);
    if (!(await secondFactor(c, challenge.user_id, c.req.valid('form').code))) {
      return renderPage(c, 'Two-factor login', <SecondFactorForm error={WRONG_CODE} />, 401);
    }
    // Two right codes sent at once complete one sign-in, not two.
    if (!(await endChallenge(sql, challenge.token))) return startAgain(c);
    await signIn.forgetChallenge(c);
    await signIn.startSession(c, challenge.user_id);
    return c.redirect(challenge.next, 303);
  });

  return app;
}
