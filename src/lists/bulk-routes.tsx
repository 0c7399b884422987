import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash } from '../web/flash.ts';
import { renderPage } from '../web/render.tsx';
import { deleteOwnedImages, findOwned, setVisibilityOfMany } from '../images/images.sql.ts';
import { titleOf } from '../images/views.tsx';
import type { BulkRefusal } from './routes.tsx';

const bulkSchema = z.object({
  ids: z.union([z.string(), z.array(z.string())]).transform((v) => (Array.isArray(v) ? v : [v])).pipe(z.array(z.string().max(64)).min(1).max(500)),
  action: z.enum(['delete', 'public', 'private']),
  confirm: z.literal('1').optional(),
});

const plural = (n: number) => `${n} image${n === 1 ? '' : 's'}`;

function ConfirmDelete({ images }: { images: { id: string; filename: string; title: string }[] }) {
  return (
    <section class="narrow">
      <h1>Delete {plural(images.length)}?</h1>
      <p>This cannot be undone.</p>
      <ul>{images.map((i) => <li class="filename">{titleOf(i)}</li>)}</ul>
      <form method="post" action="/images/bulk">
        {images.map((i) => <input type="hidden" name="ids" value={i.id} />)}
        <input type="hidden" name="action" value="delete" />
        <input type="hidden" name="confirm" value="1" />
        <button type="submit" class="danger">Delete {plural(images.length)}</button>{' '}
        <a href="/dashboard">Cancel</a>
      </form>
    </section>
  );
}

/**
 * Dashboard bulk actions: delete (after a confirmation page) or change visibility, in one
 * request. An incomplete one shows the dashboard again, the message beside its bulk bar.
 */
export function bulkRoutes(deps: Deps, dashboard: (c: Context<AppEnv>, refusal: BulkRefusal) => Promise<Response>) {
  const { sql } = deps;
  const app = new Hono<AppEnv>();

  app.post('/images/bulk', requireUser, zValidator('form', bulkSchema, (r, c) => {
    if (r.success) return;
    const action = (r.data as { action?: string }).action;
    return dashboard(c as Context<AppEnv>, { error: 'Select at least one image, then an action.', action });
  }), async (c) => {
    const { ids, action, confirm } = c.req.valid('form');
    const userId = signedIn(c).user.id;
    if (action !== 'delete') {
      flash(c, `Made ${plural(await setVisibilityOfMany(sql, userId, ids, action))} ${action}.`);
      return c.redirect('/dashboard', 303);
    }
    if (!confirm) return renderPage(c, 'Delete images', <ConfirmDelete images={await findOwned(sql, userId, ids)} />);
    const { count, keys } = await deleteOwnedImages(sql, userId, ids);
    await purgeObjects(deps, keys, true);
    flash(c, `Deleted ${plural(count)}.`);
    return c.redirect('/dashboard', 303);
  });

  return app;
}
