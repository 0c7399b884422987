import { Hono, type Context } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { purgeObjects } from '../storage/purge.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { BadRequest, NotFound } from '../web/errors.tsx';
import { flash, isLocalPath } from '../web/flash.ts';
import { plural } from '../web/format.tsx';
import { renderPage } from '../web/render.tsx';
import { objectKeys } from '../images/keys.ts';
import { serveObject } from '../images/serve.ts';
import { countTrash, emptyTrash, findTrashed, listTrash, restoreOwnedImages } from '../images/trash.sql.ts';
import { idsField } from '../web/forms.tsx';
import { decodeCursor, encodeKey, paginate } from '../images/cursor.ts';
import { ConfirmEmpty, TrashPage } from './trash-views.tsx';

/** As on the other lists. */
const PAGE_SIZE = 48;

const restoreSchema = z.object({
  ids: idsField,
  // Where an Undo returns (the list the images left); the trash page sends none and stays.
  back: z.string().optional().transform((v) => (v && isLocalPath(v) ? v : undefined)),
});

const emptySchema = z.object({
  // The images ticked in the trash; without `selected` ("Empty trash"), none means all of it.
  ids: idsField.optional(),
  selected: z.literal('1').optional(),
  confirm: z.literal('1').optional(),
}).refine((v) => !v.selected || v.ids, { path: ['ids'], message: 'Select at least one image to delete for good.' });

/**
 * `?cursor=`: the trash has one order, newest deleted first, and no previous page. Its cursor
 * carries a timestamp, checked by the rules of the lists' newest-first cursors; a sort or search
 * is ignored, a `before` (a list's "Previous page" link) refused.
 */
const trashQuery = z.object({ cursor: z.string().max(200).optional(), before: z.never().optional() }).transform((v, ctx) => {
  const cursor = v.cursor ? decodeCursor(v.cursor, 'newest') : undefined;
  if (cursor !== null) return cursor;
  ctx.addIssue({ code: 'custom', message: 'Invalid page link' });
  return z.NEVER;
});

const query = zValidator('query', trashQuery, (r) => {
  if (!r.success) throw new BadRequest('This page link is not valid: it may have been cut off or edited.');
});

/**
 * The trash (`/trash`): what its owner deleted, until they restore it, empty it, or the janitor
 * purges it after TRASH_DAYS. Everything here acts on the signed-in user's own trash only; any
 * other id is ignored.
 */
export function trashRoutes(deps: Deps) {
  const { sql, storage, config } = deps;
  const app = new Hono<AppEnv>();

  /** One page of the trash; `error` when a form came back incomplete (422). */
  async function trashPage(c: Context<AppEnv>, cursor?: { key: string; id: string }, error?: string) {
    const rows = await listTrash(sql, signedIn(c).user.id, cursor, PAGE_SIZE);
    // The trash's order is the time of deletion: its cursor carries that where others carry creation.
    const { page, next } = paginate(rows, PAGE_SIZE, (r) => encodeKey(r.ts, r.id));
    const body = <TrashPage images={page} next={next} trashDays={config.trashDays} error={error} />;
    return renderPage(c, 'Trash', body, error ? 422 : 200);
  }

  app.get('/trash', requireUser, query, (c) => trashPage(c, c.req.valid('query')));

  // Trashed images answer 404 on all their usual URLs; their owner still sees them here. The
  // URL names the content, and only the owner ever gets it: private, never in a shared cache.
  app.get('/trash/:id/:variant{thumb2x|thumb}/:file{[0-9a-f]{16}\\.webp}', async (c) => {
    const userId = c.get('user')?.id;
    const image = userId && (await findTrashed(sql, c.req.param('id'), userId));
    const variant = c.req.param('variant') as 'thumb' | 'thumb2x';
    const hash = c.req.param('file').slice(0, -'.webp'.length);
    if (!image || image[`${variant}_hash`] !== hash) throw new NotFound();
    return serveObject(c, storage, {
      key: objectKeys(image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      cacheControl: 'private, max-age=3600',
    });
  });

  app.post('/trash/restore', requireUser, zValidator('form', restoreSchema, (r, c) => {
    if (!r.success) return trashPage(c as Context<AppEnv>, undefined, 'Select at least one image to restore.');
  }), async (c) => {
    const { ids, back } = c.req.valid('form');
    const restored = await restoreOwnedImages(sql, signedIn(c).user.id, ids);
    flash(c, restored.length ? `Restored ${plural(restored.length)}.` : 'Nothing to restore: those images are not in your trash.');
    // Back to the list they left, at the first of them.
    if (!back) return c.redirect('/trash', 303);
    return c.redirect(restored.length ? `${back}#image-${restored[0]}` : back, 303);
  });

  app.post('/trash/empty', requireUser, zValidator('form', emptySchema, (r, c) => {
    if (r.success) return;
    const unselected = r.error.issues.find((i) => i.path[0] === 'ids' && i.code === 'custom');
    return trashPage(c as Context<AppEnv>, undefined, unselected?.message ?? 'That selection could not be read; please try again.');
  }), async (c) => {
    const { ids, confirm } = c.req.valid('form');
    const userId = signedIn(c).user.id;
    if (!confirm) {
      const count = await countTrash(sql, userId, ids);
      if (count === 0) return c.redirect('/trash', 303);
      return renderPage(c, 'Empty trash', <ConfirmEmpty count={count} ids={ids} />);
    }
    const deleted = await emptyTrash(sql, userId, ids);
    await purgeObjects(deps, deleted.keys, true);
    flash(c, `Deleted ${plural(deleted.ids.length)} for good.`);
    return c.redirect('/trash', 303);
  });

  return app;
}
