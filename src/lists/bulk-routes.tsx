import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { flash, UNDO_MAX_IDS } from '../web/flash.ts';
import { plural } from '../web/format.tsx';
import { renderPage } from '../web/render.tsx';
import { idsField } from '../web/forms.tsx';
import { deleteOwnedImages, findOwned, findZipped, setVisibilityOfMany } from '../images/images.sql.ts';
import { trashOwnedImages } from '../images/trash.sql.ts';
import { followingImage, type Sort } from '../images/list.sql.ts';
import { listParams, searchFields } from '../images/list-context.ts';
import { titleOf } from '../images/names.ts';
import type { BulkRefusal } from './routes.tsx';
import { addImagesAnswer } from '../albums/add.tsx';
import { zipEntries, zipResponse } from '../images/zip.ts';
import { mustBeVerifiedFor } from '../recovery/sharing.ts';

const bulkSchema = z.object({
  ids: idsField,
  // The menu starts on "Choose an action…" (value ""): nothing happens until one is chosen.
  action: z.enum(['delete', 'public', 'private', 'album', 'zip']),
  album: z.string().max(64).optional(),
  confirm: z.literal('1').optional(),
  // The list the form was on, to return to it.
  ...searchFields,
});

/** The dashboard with the search and sort the bulk form was sent from, at the card `id`. */
function dashboardAt(l: { q?: string; sort: Sort }, id?: string) {
  const query = listParams(l);
  return `/dashboard${query ? `?${query}` : ''}${id ? `#image-${id}` : ''}`;
}

/** What a refused bulk form lacked, in the words shown beside its menu. */
function refusalOf(issues: { path: PropertyKey[] }[]) {
  const lacks = (field: string) => issues.some((i) => i.path[0] === field);
  return lacks('ids') ? 'Select at least one image, then an action.' : 'Choose an action for the selected images.';
}

/** With TRASH_DAYS=0 a delete cannot be undone, so it is asked first. */
function ConfirmDelete({ images, q, sort }: { images: { id: string; filename: string; title: string }[]; q?: string; sort: Sort }) {
  return (
    <section class="narrow">
      <h1>Delete {plural(images.length)}?</h1>
      <p>This cannot be undone.</p>
      <ul>{images.map((i) => <li class="filename">{titleOf(i)}</li>)}</ul>
      <form method="post" action="/images/bulk">
        {images.map((i) => <input type="hidden" name="ids" value={i.id} />)}
        <input type="hidden" name="action" value="delete" />
        <input type="hidden" name="confirm" value="1" />
        {q && <input type="hidden" name="q" value={q} />}
        <input type="hidden" name="sort" value={sort} />
        <button type="submit" class="danger">Delete {plural(images.length)}</button>{' '}
        <a href={dashboardAt({ q, sort })}>Cancel</a>
      </form>
    </section>
  );
}

/**
 * Dashboard bulk actions in one request: change visibility, or move to the trash (with an Undo).
 * Each returns to the list the form was on (its search and sort) at a card it acted on, or for a
 * delete at the card that followed. An incomplete one shows the dashboard again (422), the
 * message beside its menu.
 */
export function bulkRoutes(deps: Deps, dashboard: (c: Context<AppEnv>, refusal: BulkRefusal) => Promise<Response>) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();

  app.post('/images/bulk', requireUser, zValidator('form', bulkSchema, (r, c) => {
    if (r.success) return;
    const sent = r.data as { action?: string; q?: string; sort?: string };
    // The list the form was on, if its search and sort are valid, so the refusal shows it again.
    const list = z.object(searchFields).safeParse(sent);
    return dashboard(c as Context<AppEnv>, { error: refusalOf(r.error.issues), action: sent.action || undefined, list: list.success ? list.data : undefined });
  }), async (c) => {
    const { ids, action, confirm, q, sort, album } = c.req.valid('form');
    const userId = signedIn(c).user.id;
    const list = { scope: { ownerId: userId }, q, sort };
    if (action === 'album') {
      if (!album) return dashboard(c, { error: 'Choose the album to add the selected images to.', action, list: { q, sort } });
      return addImagesAnswer(c, deps, { albumId: album, ids, confirm: !!confirm, back: dashboardAt(list) });
    }
    if (action === 'zip') {
      const entries = zipEntries(await findZipped(sql, userId, ids), userId);
      return zipResponse(deps.storage, entries, { filename: 'images.zip', maxBytes: config.zipMaxBytes, log: c.get('log') });
    }
    if (action !== 'delete') {
      await mustBeVerifiedFor(deps, userId, action);
      const { changed, held } = await setVisibilityOfMany(sql, userId, ids, action);
      const left = held ? ` ${held === 1 ? '1 image is' : `${held} images are`} hidden by a moderator and stayed as ${held === 1 ? 'it was' : 'they were'}.` : '';
      flash(c, `Made ${plural(changed.length)} ${action}.${left}`);
      return c.redirect(dashboardAt(list, changed[0]), 303);
    }
    if (config.trashDays > 0) {
      const trashed = (await trashOwnedImages(sql, userId, ids)).map((i) => i.id);
      // Too many for an Undo in the flash cookie: the trash page restores them.
      const where = trashed.length > UNDO_MAX_IDS ? ' (restore them from the trash page)' : '';
      flash(c, `Moved ${plural(trashed.length)} to the trash${where}.`, { ids: trashed, back: dashboardAt(list) });
      return c.redirect(dashboardAt(list, await followingImage(sql, list, trashed)), 303);
    }
    const owned = await findOwned(sql, userId, ids);
    if (!confirm) return renderPage(c, 'Delete images', <ConfirmDelete images={owned} q={q} sort={sort} />);
    const following = await followingImage(sql, list, owned.map((i) => i.id));
    const deleted = await deleteOwnedImages(sql, userId, owned.map((i) => i.id));
    await purgeObjects(deps, deleted.keys, true);
    flash(c, `Deleted ${plural(deleted.ids.length)}.`);
    return c.redirect(dashboardAt(list, following), 303);
  });

  return app;
}
