import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { endChallenge, findChallenge } from '../auth/challenges.sql.ts';
import { checkCurrentPassword } from '../auth/current-password.ts';
import { currentPasswordField } from '../auth/fields.ts';
import { requireUser, signedIn } from '../auth/middleware.ts';
import type { SignIn } from '../auth/sign-in.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { showAgain, type FieldErrors } from '../web/forms.tsx';
import { renderPage } from '../web/render.tsx';
import { secondFactorIsRight } from './second-factor.ts';
import { notifyOwner } from '../recovery/notices.ts';
import { hashRecoveryCode, matchStep, newRecoveryCodes, newTotpKey, qrSvg, totpUri } from './totp.ts';
import { disableTotp, enableTotp, recoveryCodesLeft, replaceRecoveryCodes, totpOf } from './two-factor.sql.ts';
import { EnableTotp, RecoveryCodes, SecondFactorForm, TotpOn } from './views.tsx';

const codeField = z.string({ error: 'Enter a code' }).trim().min(1, 'Enter a code').max(20, 'That is not a code');
// The key as the setup form carries it: 20 bytes, base64url.
const SECRET = /^[\w-]{27}$/;
const enableSchema = z.object({
  secret: z.string().regex(SECRET, 'Start again: the key was damaged'),
  code: codeField,
  password: currentPasswordField('Enter your password'),
});
const offSchema = z.object({ password: currentPasswordField('Enter your password'), code: codeField });
const codesSchema = offSchema;
const WRONG_CODE = 'That code is not right (or was already used)';

export function twoFactorRoutes(deps: Deps, signIn: SignIn) {
  const { sql } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings/2fa', requireUser);
  app.use('/settings/2fa/*', requireUser);
  const secondFactor = (c: Context, userId: string, code: string) => secondFactorIsRight(deps, c, userId, code);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  async function page(c: Context<any>, failed?: { form: 'off' | 'codes'; errors: FieldErrors }, secret?: { key: Uint8Array; errors?: FieldErrors }) {
    const { user } = signedIn(c);
    if (await totpOf(sql, user.id)) {
      return renderPage(c, 'Two-factor login', <TotpOn codesLeft={await recoveryCodesLeft(sql, user.id)} {...failed} />, failed ? 422 : 200);
    }
    // A new key on every visit until one is confirmed: nothing is stored before that.
    const key = secret?.key ?? newTotpKey();
    const uri = totpUri(key, user.username);
    const manual = new URL(uri).searchParams.get('secret')!.replace(/(.{4})/g, '$1 ').trim();
    const view = <EnableTotp uri={uri} qr={await qrSvg(uri)} secret={Buffer.from(key).toString('base64url')} manual={manual} errors={secret?.errors} />;
    return renderPage(c, 'Two-factor login', view, secret?.errors ? 422 : 200);
  }

  /** Makes ten recovery codes, stores their hashes with `store` (false: nothing was stored), and shows them once. */
  async function showCodes(c: Context, store: (hashes: string[]) => Promise<boolean>, what: string) {
    const codes = newRecoveryCodes();
    if (!(await store(codes.map(hashRecoveryCode)))) return c.redirect('/settings/2fa', 303);
    await notifyOwner(deps, c, what);
    return renderPage(c, 'Recovery codes', <RecoveryCodes codes={codes} />);
  }

  app.get('/settings/2fa', (c) => page(c));

  // The key the app scanned comes back with the form, so a refused form keeps it (a damaged one
  // cannot be kept: a new one is shown).
  const keyOf = (secret: unknown) => (typeof secret === 'string' && SECRET.test(secret) ? new Uint8Array(Buffer.from(secret, 'base64url')) : newTotpKey());

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
    return showCodes(c, (hashes) => sql.begin((tx) => enableTotp(tx, user.id, key, step, hashes)), 'Two-factor login was turned on');
  });

  app.post('/settings/2fa/disable', zValidator('form', offSchema, showAgain((c, f) => page(c, { form: 'off', ...f }))), async (c) => {
    const { user } = signedIn(c);
    const { password, code } = c.req.valid('form');
    if (!(await checkCurrentPassword(deps, c, password))) return page(c, { form: 'off', errors: { password: 'That password is not right' } });
    if (!(await secondFactor(c, user.id, code))) return page(c, { form: 'off', errors: { code: WRONG_CODE } });
    await sql.begin((tx) => disableTotp(tx, user.id));
    await notifyOwner(deps, c, 'Two-factor login was turned off');
    flash(c, 'Two-factor login is off.');
    return c.redirect('/settings#security', 303);
  });

  // New codes end the old ones: with the password and a code, like turning it off.
  app.post('/settings/2fa/recovery-codes', zValidator('form', codesSchema, showAgain((c, f) => page(c, { form: 'codes', ...f }))), async (c) => {
    const { user } = signedIn(c);
    if (!(await totpOf(sql, user.id))) return c.redirect('/settings/2fa', 303);
    const { password, code } = c.req.valid('form');
    if (!(await checkCurrentPassword(deps, c, password))) return page(c, { form: 'codes', errors: { password: 'That password is not right' } });
    if (!(await secondFactor(c, user.id, code))) return page(c, { form: 'codes', errors: { code: WRONG_CODE } });
    return showCodes(c, (hashes) => sql.begin(async (tx) => (await replaceRecoveryCodes(tx, user.id, hashes), true)), 'New recovery codes were made');
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
