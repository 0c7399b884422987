import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { createInvite, listInvites, revokeInvite } from '../auth/invites.sql.ts';
import { signedIn } from '../auth/middleware.ts';
import { AdminFrame } from '../instance/admin-frame.tsx';
import { audit } from '../instance/audit.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { fieldErrors, type FieldErrors } from '../web/forms.tsx';
import { originOf } from '../web/origin.ts';
import { renderPage } from '../web/render.tsx';
import { blankOrWhole } from './fields.ts';
import { InviteForm, InviteList, NewInvite, type InviteValues } from './views.tsx';

const INVITES_SHOWN = 200;

const inviteForm = z.object({
  email: z.string().trim().max(254).default('').refine((v) => v === '' || z.email().safeParse(v).success, 'Enter an email address'),
  uses: z.coerce.number('Enter a number of uses').int('Enter a whole number').min(1, 'At least 1').max(1000, 'At most 1,000').default(1),
  days: blankOrWhole('days', 1, 3650).default(null),
});

export function inviteRoutes({ sql, config }: Deps) {
  const app = new Hono<AppEnv>();

  async function invitesPage(c: Context<AppEnv>, extra?: { values?: InviteValues; errors?: FieldErrors; created?: { link: string; email?: string } }) {
    const invites = await listInvites(sql, INVITES_SHOWN);
    return renderPage(c, 'Invites', (
      <AdminFrame here="/admin/invites" title="Invites">
        {extra?.created && <NewInvite {...extra.created} />}
        <p>While sign-up is by invitation (<a href="/admin/settings">settings</a>), an invite link is the only way in.</p>
        <InviteForm values={extra?.values} errors={extra?.errors} />
        <h2>Invite links</h2>
        <InviteList invites={invites} />
      </AdminFrame>
    ), extra?.errors ? 422 : 200);
  }

  app.get('/admin/invites', (c) => invitesPage(c));

  app.post(
    '/admin/invites',
    zValidator('form', inviteForm, (r, c) => (r.success ? undefined : invitesPage(c as Context<AppEnv>, { values: r.data as unknown as InviteValues, errors: fieldErrors(r.error) }))),
    async (c) => {
      const form = c.req.valid('form');
      const actor = signedIn(c).user;
      const email = form.email || undefined;
      const { token } = await sql.begin(async (tx) => {
        const made = await createInvite(tx, { email, maxUses: form.uses, expiresInDays: form.days ?? undefined, createdBy: actor.id });
        await audit(tx, actor, 'invite.create', email ?? 'anyone', `${form.uses} use(s); ${form.days ? `${form.days} day(s)` : 'no expiry'}`);
        return made;
      });
      // Shown on this answer only: the link is a secret, so it goes in no redirect URL or cookie.
      const link = `${originOf(c, config.publicUrl)}/signup?invite=${token}`;
      return invitesPage(c, { created: { link, email } });
    },
  );

  app.post('/admin/invites/:id/revoke', async (c) => {
    const revoked = await sql.begin(async (tx) => {
      const done = await revokeInvite(tx, c.req.param('id'));
      if (done) await audit(tx, signedIn(c).user, 'invite.revoke', c.req.param('id'));
      return done;
    });
    if (!revoked) throw new NotFound();
    flash(c, 'The invite link was revoked: it no longer lets anyone in.');
    return c.redirect('/admin/invites', 303);
  });

  return app;
}
