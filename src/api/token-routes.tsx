import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { checkCurrentPassword } from '../auth/current-password.ts';
import { currentPasswordField } from '../auth/fields.ts';
import { notifyOwner } from '../recovery/notices.ts';
import { attachment } from '../images/serve.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { showAgain, type FieldErrors } from '../web/forms.tsx';
import { originOf } from '../web/origin.ts';
import { renderPage } from '../web/render.tsx';
import { sharexUploader } from './sharex.ts';
import { EXPIRIES, TokensPage, type NewToken, type TokenValues } from './token-views.tsx';
import { createToken, listTokens, ownsLiveToken, revokeToken, SCOPES } from './tokens.sql.ts';

const tokenForm = z.object({
  name: z.string('Give the token a name').trim().min(1, 'Give the token a name').max(100, 'A name is at most 100 characters')
    // Shown in lists and messages: no line breaks or other invisible controls.
    .refine((v) => !/\p{Cc}/u.test(v), 'A name cannot hold control characters'),
  scope: z.enum(SCOPES, 'Choose what the token may do'),
  expires: z.enum(EXPIRIES, 'Choose when the token expires').default('never'),
  current: currentPasswordField('Enter your current password'),
});
const sharexForm = z.object({ token: z.string().max(200) });

export function tokenRoutes(deps: Deps) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();
  app.use('/settings/tokens', requireUser);
  app.use('/settings/tokens/*', requireUser);

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- validator hooks give a Context of their own Env
  async function tokensPage(c: Context<any>, extra: { created?: NewToken; values?: TokenValues; errors?: FieldErrors } = {}) {
    const tokens = await listTokens(sql, signedIn(c).user.id);
    return renderPage(c, 'API tokens', <TokensPage tokens={tokens} {...extra} />, extra.errors ? 422 : 200);
  }

  app.get('/settings/tokens', (c) => tokensPage(c));

  app.post('/settings/tokens', zValidator('form', tokenForm, showAgain<TokenValues>((c, failed) => tokensPage(c, failed))), async (c) => {
    const { name, scope, expires, current } = c.req.valid('form');
    // Like a new password or passkey: a session alone (perhaps a stolen one) makes no lasting way in.
    if (!(await checkCurrentPassword(deps, c, current))) {
      return tokensPage(c, { values: { name, scope, expires }, errors: { current: 'Your current password is not right' } });
    }
    const { user } = signedIn(c);
    const { token } = await createToken(sql, { userId: user.id, name, scope, expiresInDays: expires === 'never' ? undefined : Number(expires) });
    await notifyOwner(deps, c, `An API token (“${name}”) was made`);
    // Shown on this answer only (not a redirect): the token is a secret, so it goes in no URL or cookie.
    return tokensPage(c, { created: { name, scope, token, origin: originOf(c, config.publicUrl) } });
  });

  // A form post, not a link: the token travels in the body, never in a URL that logs and history keep.
  app.post('/settings/tokens/sharex', zValidator('form', sharexForm, (r) => { if (!r.success) throw new NotFound(); }), async (c) => {
    const { token } = c.req.valid('form');
    const owned = await ownsLiveToken(sql, signedIn(c).user.id, token);
    if (owned?.scope !== 'write') throw new NotFound();
    const origin = originOf(c, config.publicUrl);
    // ShareX runs on Windows, where a file name cannot hold the port's colon.
    const filename = `${new URL(origin).host.replaceAll(':', '_')}.sxcu`;
    return c.body(JSON.stringify(sharexUploader(origin, token), null, 2), 200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Disposition': attachment(filename),
      'Cache-Control': 'no-store',
    });
  });

  app.post('/settings/tokens/:id{[\\w-]{1,64}}/revoke', async (c) => {
    const name = await revokeToken(sql, signedIn(c).user.id, c.req.param('id'));
    if (name === undefined) throw new NotFound();
    flash(c, `Token “${name}” revoked.`);
    return c.redirect('/settings/tokens', 303);
  });

  return app;
}
