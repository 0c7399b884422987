import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireAdmin } from '../auth/admin.ts';
import { signedIn } from '../auth/middleware.ts';
import { AdminFrame } from '../instance/admin-frame.tsx';
import { audit, auditPage } from '../instance/audit.sql.ts';
import { readSettings, REGISTRATIONS, saveSettings } from '../instance/settings.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { fieldErrors } from '../web/forms.tsx';
import { renderPage } from '../web/render.tsx';
import { blankOrWhole, MB, megabytes } from './fields.ts';
import { inviteRoutes } from './invite-routes.tsx';
import { overview } from './overview.sql.ts';
import { peopleRoutes } from './people-routes.tsx';
import { AuditLog, Overview, SettingsForm, settingsValues, type SettingsValues } from './views.tsx';

const AUDIT_PAGE = 50;

const settingsForm = z.object({
  registration: z.enum(REGISTRATIONS, 'Choose who may sign up'),
  default_quota_mb: blankOrWhole('megabytes', 1, 100_000_000).default(null),
  gallery_public: z.literal('1').optional(),
});

/** The instance's admin pages: every URL under /admin answers 404 to anyone who is not an admin. */
export function adminRoutes(deps: Deps) {
  const { sql, config } = deps;
  const quotaMb = megabytes(config.upload.quotaBytes);
  const app = new Hono<AppEnv>();
  app.use('/admin', requireAdmin);
  app.use('/admin/*', requireAdmin);

  app.get('/admin', async (c) => renderPage(c, 'Admin', <AdminFrame here="/admin" title="Overview"><Overview o={await overview(sql)} /></AdminFrame>));

  const settingsPage = (c: Parameters<typeof renderPage>[0], values: SettingsValues, errors = {}, status: 200 | 422 = 200) =>
    renderPage(c, 'Admin settings', <AdminFrame here="/admin/settings" title="Settings"><SettingsForm values={values} errors={errors} quotaMb={quotaMb} /></AdminFrame>, status);

  app.get('/admin/settings', async (c) => settingsPage(c, settingsValues(await readSettings(sql))));

  app.post(
    '/admin/settings',
    zValidator('form', settingsForm, (r, c) => {
      if (r.success) return;
      const v = r.data as unknown as Record<string, string>;
      const values = { registration: v.registration as SettingsValues['registration'], default_quota_mb: v.default_quota_mb ?? '', gallery_public: v.gallery_public === '1' };
      return settingsPage(c, values, fieldErrors(r.error), 422);
    }),
    async (c) => {
      const form = c.req.valid('form');
      const next = {
        registration: form.registration,
        default_quota_bytes: form.default_quota_mb === null ? null : form.default_quota_mb * MB,
        gallery_public: form.gallery_public === '1',
      };
      await sql.begin(async (tx) => {
        const before = await readSettings(tx, true);
        await saveSettings(tx, next);
        const changed = (Object.keys(next) as (keyof typeof next)[]).filter((k) => before[k] !== next[k]);
        if (changed.length) await audit(tx, signedIn(c).user, 'settings.update', '', changed.map((k) => `${k}: ${before[k] ?? 'default'} → ${next[k] ?? 'default'}`).join('; '));
      });
      flash(c, 'Settings saved. Every instance follows them now.');
      return c.redirect('/admin/settings', 303);
    },
  );

  app.get('/admin/audit', zValidator('query', z.object({ before: z.string().regex(/^\d{1,18}$/).optional() })), async (c) => {
    const rows = await auditPage(sql, c.req.valid('query').before, AUDIT_PAGE);
    const entries = rows.slice(0, AUDIT_PAGE);
    const next = rows.length > AUDIT_PAGE ? entries[entries.length - 1]!.id : undefined;
    return renderPage(c, 'Audit log', <AdminFrame here="/admin/audit" title="Audit log"><AuditLog entries={entries} next={next} /></AdminFrame>);
  });

  app.route('/', peopleRoutes(deps));
  app.route('/', inviteRoutes(deps));
  return app;
}
