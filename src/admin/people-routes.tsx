import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { deleteAccount } from '../account/delete-account.ts';
import { signedIn } from '../auth/middleware.ts';
import { decodeCursor, encodeKey } from '../images/cursor.ts';
import { AdminFrame } from '../instance/admin-frame.tsx';
import { audit } from '../instance/audit.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import { flash } from '../web/flash.ts';
import { fieldErrors, type FieldErrors } from '../web/forms.tsx';
import { renderPage } from '../web/render.tsx';
import { blankOrWhole, MB, megabytes } from './fields.ts';
import { DeletePerson, PeopleSearch, PeopleTable, PersonPage, personUrl } from './people-views.tsx';
import { keepAnAdmin, Refused } from '../auth/users.sql.ts';
import { findPerson, listPeople, setDisabled, setQuota, setRole } from './people.sql.ts';

const PEOPLE_PAGE = 50;

const listQuery = z.object({ q: z.string().trim().max(100).optional(), cursor: z.string().max(200).optional() });

// Any of the three, each from its own small form on the person's page (or all at once from a script).
const change = z.object({
  quota_mb: blankOrWhole('megabytes', 1, 100_000_000).optional(),
  disabled: z.enum(['1', '0'], 'disabled is 1 or 0').optional(),
  role: z.enum(['user', 'admin'], 'role is user or admin').optional(),
});

export function peopleRoutes(deps: Deps) {
  const { sql, config } = deps;
  const quotaMb = megabytes(config.upload.quotaBytes);
  const app = new Hono<AppEnv>();

  app.get('/admin/users', zValidator('query', listQuery), async (c) => {
    const { q, cursor: raw } = c.req.valid('query');
    const cursor = raw ? decodeCursor(raw, 'newest') : undefined;
    if (cursor === null) throw new NotFound();
    const rows = await listPeople(sql, { q: q || undefined, cursor, limit: PEOPLE_PAGE });
    const people = rows.slice(0, PEOPLE_PAGE);
    const last = people[people.length - 1];
    const next = rows.length > PEOPLE_PAGE && last ? encodeKey(last.ts, last.id) : undefined;
    return renderPage(c, 'People', (
      <AdminFrame here="/admin/users" title="People"><PeopleSearch q={q} /><PeopleTable people={people} next={next} q={q || undefined} /></AdminFrame>
    ));
  });

  async function personPage(c: Context<AppEnv>, errors?: FieldErrors) {
    const p = await findPerson(sql, c.req.param('username')!);
    if (!p) throw new NotFound();
    const page = <PersonPage p={p} quotaMb={quotaMb} self={p.id === signedIn(c).user.id} errors={errors} />;
    return renderPage(c, p.username, <AdminFrame here="/admin/users" title={p.username}>{page}</AdminFrame>, errors ? 422 : 200);
  }

  app.get('/admin/users/:username', (c) => personPage(c));

  app.post(
    '/admin/users/:username',
    zValidator('form', change, (r, c) => (r.success ? undefined : personPage(c as Context<AppEnv>, fieldErrors(r.error)))),
    async (c) => {
      const form = c.req.valid('form');
      const p = await findPerson(sql, c.req.param('username'));
      if (!p) throw new NotFound();
      const actor = signedIn(c).user;
      if (form.disabled === '1' && p.id === actor.id) return personPage(c, { form: 'You cannot disable your own account.' });
      const done: string[] = [];
      try {
        await sql.begin(async (tx) => {
          if (form.quota_mb !== undefined) {
            const bytes = form.quota_mb === null ? null : form.quota_mb * MB;
            await setQuota(tx, p.id, bytes);
            await audit(tx, actor, 'user.quota', p.username, bytes === null ? `default (${quotaMb} MB)` : `${form.quota_mb} MB`);
            done.push('quota saved');
          }
          if (form.role && form.role !== p.role) {
            await setRole(tx, p.id, form.role);
            await audit(tx, actor, 'user.role', p.username, form.role);
            done.push(form.role === 'admin' ? 'now an admin' : 'now a user');
          }
          if (form.disabled && (await setDisabled(tx, p.id, form.disabled === '1'))) {
            await audit(tx, actor, form.disabled === '1' ? 'user.disable' : 'user.enable', p.username);
            done.push(form.disabled === '1' ? 'disabled and signed out everywhere' : 'enabled');
          }
        });
      } catch (err) {
        if (err instanceof Refused) return personPage(c, { form: err.message });
        throw err;
      }
      flash(c, done.length ? `${p.username}: ${done.join(', ')}.` : 'Nothing changed.');
      return c.redirect(personUrl(p.username), 303);
    },
  );

  async function deletePage(c: Context<AppEnv>, error?: string) {
    const p = await findPerson(sql, c.req.param('username')!);
    if (!p) throw new NotFound();
    return renderPage(c, `Delete ${p.username}`, <AdminFrame here="/admin/users" title={`Delete ${p.username}`}><DeletePerson p={p} error={error} /></AdminFrame>, error ? 422 : 200);
  }

  app.get('/admin/users/:username/delete', (c) => deletePage(c));

  app.post('/admin/users/:username/delete', zValidator('form', z.object({ confirm: z.string().max(100).default('') })), async (c) => {
    const p = await findPerson(sql, c.req.param('username'));
    if (!p) throw new NotFound();
    if (p.id === signedIn(c).user.id) return deletePage(c, 'Delete your own account from your settings.');
    if (c.req.valid('form').confirm.trim().toLowerCase() !== p.username.toLowerCase()) return deletePage(c, `Type ${p.username} to confirm.`);
    try {
      await deleteAccount(deps, p.id, async (tx) => {
        await keepAnAdmin(tx, p.id);
        await audit(tx, signedIn(c).user, 'user.delete', p.username, `${p.email}; ${p.images} image(s)`);
      });
    } catch (err) {
      if (err instanceof Refused) return deletePage(c, err.message);
      throw err;
    }
    flash(c, `${p.username} was deleted with every image and album.`);
    return c.redirect('/admin/users', 303);
  });

  return app;
}
