import { Hono, type Context } from 'hono';
import { requireUser } from '../auth/middleware.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { purgeObjects } from '../storage/purge.ts';
import { flash } from '../web/flash.ts';
import { maySee } from './access.ts';
import { deleteOwnedImage, findImage } from './images.sql.ts';
import { objectKeys, type Variant } from './keys.ts';
import { CONTENT_TYPES } from './pipeline.ts';
import { attachment, downloadName, serveObject } from './serve.ts';
import { ImagePage, titleOf } from './views.tsx';
import { imageUrl } from './urls.ts';
import { contextParams, readContext, scopeOf } from '../lists/context.ts';
import { neighbours } from '../lists/lists.sql.ts';

const YEAR = 31_536_000;

export function imageRoutes({ sql, storage, config }: Deps) {
  const app = new Hono<AppEnv>();
  const presign = !!config.s3?.presign;

  /** The image if the current user may see it; otherwise undefined, exactly as if it did not exist. */
  async function visibleImage(c: Context<AppEnv>) {
    const image = await findImage(sql, c.req.param('id')!);
    const userId = c.get('user')?.id;
    if (!image || !maySee(image, userId, c.req.query('share'))) return undefined;
    // Only public images may sit in shared caches: the others can become unreachable at any time.
    return { image, isOwner: image.user_id === userId, cache: image.visibility === 'public' ? 'public' : 'private' };
  }

  /** Links to the previous and next image of the list the page was opened from, if any. */
  async function aroundInList(c: Context<AppEnv>, image: { id: string; ts: string; bytes: number }) {
    const ctx = readContext(c.req.query());
    const scope = ctx && scopeOf(ctx, c.get('user')?.id);
    if (!ctx || !scope) return {};
    const { prev, next } = await neighbours(sql, { scope, sort: ctx.sort, q: ctx.q }, image);
    const href = (id?: string) => id && `${imageUrl(id)}?${contextParams(ctx)}`;
    return { prev: href(prev), next: href(next) };
  }

  app.get('/images/:id', async (c) => {
    const found = await visibleImage(c);
    if (!found) return c.notFound();
    const origin = config.publicUrl?.origin ?? new URL(c.req.url).origin;
    const around = await aroundInList(c, found.image);
    const page = <ImagePage image={found.image} isOwner={found.isOwner} share={c.req.query('share')} origin={origin} around={around} />;
    return renderPage(c, titleOf(found.image), page);
  });

  app.get('/images/:id/original', async (c) => {
    const found = await visibleImage(c);
    if (!found) return c.notFound();
    const { image, isOwner } = found;
    const keys = objectKeys(image);
    // Only the owner gets the exact bytes they uploaded; everyone else a metadata-free copy.
    return serveObject(c, storage, {
      key: isOwner ? keys.original : keys.clean,
      size: Number(isOwner ? image.bytes : image.clean_bytes),
      contentType: CONTENT_TYPES[image.format],
      etag: `"${isOwner ? 'o' : 'c'}${image.sha256.slice(0, 32)}"`,
      // Shared caches may keep the public copy only briefly: its URL stays the same when the
      // image is withdrawn.
      cacheControl: isOwner ? 'private, max-age=3600' : `${found.cache}, max-age=60`,
      disposition: c.req.query('download') === '1' ? attachment(downloadName(image.filename, image.format)) : undefined,
      ranges: true,
      presign,
    });
  });

  // `thumb2x` before `thumb`: Hono's combined router takes the first alternative that matches
  // a prefix, and would never reach the longer name.
  app.get('/images/:id/:variant{thumb2x|thumb|display}/:file{[0-9a-f]{16}-\\d{1,9}\\.webp}', async (c) => {
    const found = await visibleImage(c);
    const [hash, epoch] = c.req.param('file').slice(0, -'.webp'.length).split('-');
    const variant = c.req.param('variant') as Variant;
    if (!found || found.image[`${variant}_hash`] !== hash || found.image.epoch !== Number(epoch)) return c.notFound();
    return serveObject(c, storage, {
      key: objectKeys(found.image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      // The URL names the content and the visibility epoch, so what it names never changes.
      cacheControl: `${found.cache}, max-age=${YEAR}, immutable`,
      presign,
    });
  });

  /** True when the user's image was deleted: its row now, its objects right after. */
  async function deleteImage(c: Context<AppEnv>) {
    const keys = await deleteOwnedImage(sql, c.req.param('id')!, c.get('user')!.id);
    await purgeObjects({ sql, storage }, keys, true);
    return keys.length > 0;
  }

  app.post('/images/:id/delete', requireUser, async (c) => {
    if (!(await deleteImage(c))) return c.notFound();
    flash(c, 'The image was deleted.');
    return c.redirect('/dashboard', 303);
  });

  app.delete('/images/:id', requireUser, async (c) => {
    if (!(await deleteImage(c))) return c.notFound();
    // htmx swaps the card for this empty body; anyone else just gets the confirmation.
    return wantsFragment(c) ? c.body(null, 200) : c.text('Deleted', 200);
  });

  return app;
}
