import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { requireUser, safeNext, signedIn } from '../auth/middleware.ts';
import type { SignIn } from '../auth/sign-in.ts';
import { checkCurrentPassword } from '../auth/current-password.ts';
import { notifyOwner } from '../recovery/notices.ts';
import { needsSecondFactor, secondFactorIsRight } from '../two-factor/second-factor.ts';
import { countInWindow } from '../auth/throttle.ts';
import { clientAddress } from '../web/client-address.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { originOf } from '../web/origin.ts';
import { SITE_NAME } from '../web/preview.tsx';
import { deletePasskey, findPasskey, insertPasskey, passkeysOf, recordUse, saveChallenge, takeChallenge } from './passkeys.sql.ts';


// The browser's answer, checked for shape and size here; its content is the library's to verify.
const credential = z.looseObject({
  id: z.string().min(1).max(1400),
  rawId: z.string().max(1400),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: z.string().max(8192) }),
});
const registerSchema = z.object({ name: z.string().trim().min(1).max(60), credential });
const signInSchema = z.object({ credential, next: z.string().max(2048).optional() });

const refuse = (c: Context, message: string, status: 400 | 401 = 400) => c.json({ error: message }, status);

export function passkeyRoutes(deps: Deps, signIn: SignIn) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings/passkeys', requireUser);
  app.use('/settings/passkeys/*', requireUser);
  // Passkeys belong to the site's name (PUBLIC_URL's host, else the host the browser used).
  const party = (c: Context) => {
    const origin = originOf(c, config.publicUrl);
    return { origin, rpID: new URL(origin).hostname };
  };

  app.post('/settings/passkeys/options', zValidator('json', z.object({ password: z.string().max(256), code: z.string().max(20).optional() }), (r, c) =>
    (r.success ? undefined : refuse(c, 'Enter your password'))), async (c) => {
    const { user } = signedIn(c);
    const { password, code } = c.req.valid('json');
    // A passkey is a way in that outlives sessions and password changes: adding one takes what
    // signing in takes (the password, and a code when two-factor login is on), not a session alone.
    if (!(await checkCurrentPassword(deps, c, password))) return refuse(c, 'Your password is not right', 401);
    if ((await needsSecondFactor(sql, user.id)) && !(code && (await secondFactorIsRight(deps, c, user.id, code)))) {
      return refuse(c, 'Enter a current code from your authenticator app (or a recovery code)', 401);
    }
    const existing = await passkeysOf(sql, user.id);
    const options = await generateRegistrationOptions({
      rpName: SITE_NAME,
      rpID: party(c).rpID,
      userName: user.username,
      userID: new TextEncoder().encode(user.id),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports.split(',').filter(Boolean) as AuthenticatorTransport[] })),
      // A discoverable credential: it can sign in without a username being typed.
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await saveChallenge(sql, options.challenge, user.id);
    return c.json(options);
  });

  app.post('/settings/passkeys', zValidator('json', registerSchema, (r, c) => (r.success ? undefined : refuse(c, 'That is not a passkey'))), async (c) => {
    const { user } = signedIn(c);
    const { name, credential: response } = c.req.valid('json');
    const { origin, rpID } = party(c);
    const verified = await verifyRegistrationResponse({
      response: response as unknown as RegistrationResponseJSON,
      expectedChallenge: (challenge) => takeChallenge(sql, challenge, user.id),
      expectedOrigin: origin,
      expectedRPID: rpID,
    }).catch(() => undefined);
    const info = verified?.verified ? verified.registrationInfo : undefined;
    if (!info) return refuse(c, 'The passkey could not be verified; try again');
    const added = await insertPasskey(sql, {
      id: info.credential.id,
      user_id: user.id,
      public_key: info.credential.publicKey,
      counter: info.credential.counter,
      transports: (info.credential.transports ?? []).join(','),
      name,
    });
    if (!added) return refuse(c, 'This passkey is already registered');
    await notifyOwner(deps, c, `A passkey (“${name}”) was added`);
    flash(c, `Passkey “${name}” added.`);
    return c.json({ redirect: '/settings#security' }, 201);
  });

  app.post('/settings/passkeys/:id/delete', async (c) => {
    const { user } = signedIn(c);
    const removed = await deletePasskey(sql, user.id, c.req.param('id'));
    if (removed) await notifyOwner(deps, c, 'A passkey was removed');
    flash(c, removed ? 'The passkey was removed.' : 'That passkey was already removed.');
    return c.redirect('/settings#security', 303);
  });

  app.post('/login/passkey/options', async (c) => {
    // Anyone may ask, and each answer keeps a challenge for a while: counted per address.
    const wait = await countInWindow(sql, `passkey:address:${clientAddress(c, config.trustProxy)}`, config.loginAttemptsPerAddress);
    if (wait) return c.json({ error: 'Too many attempts; try again later' }, 429, { 'Retry-After': String(wait) });
    // No account named: the browser offers the passkeys it holds for this site.
    const options = await generateAuthenticationOptions({ rpID: party(c).rpID, userVerification: 'required' });
    await saveChallenge(sql, options.challenge, null);
    return c.json(options);
  });

  app.post('/login/passkey', zValidator('json', signInSchema, (r, c) => (r.success ? undefined : refuse(c, 'That is not a passkey'))), async (c) => {
    const { credential: response, next } = c.req.valid('json');
    const passkey = await findPasskey(sql, response.id);
    const { origin, rpID } = party(c);
    const verified = passkey && (await verifyAuthenticationResponse({
      response: response as unknown as AuthenticationResponseJSON,
      expectedChallenge: (challenge) => takeChallenge(sql, challenge, null),
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: { id: passkey.id, publicKey: new Uint8Array(passkey.public_key), counter: passkey.counter },
      requireUserVerification: true,
    }).catch(() => undefined));
    if (!passkey || !verified?.verified) return refuse(c, 'This passkey is not registered here, or it could not be verified', 401);
    await recordUse(sql, passkey.id, verified.authenticationInfo.newCounter);
    // A passkey with user verification is two factors in itself: it completes any waiting
    // password sign-in, and replaces one.
    await signIn.forgetChallenge(c);
    await signIn.startSession(c, passkey.user_id);
    return c.json({ redirect: safeNext(next) });
  });

  return app;
}
