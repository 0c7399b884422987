import { Hono, type Context } from 'hono';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { NotFound } from '../web/errors.tsx';
import { imageEditRoutes } from './edit-routes.tsx';
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
import { ImagePage, titleOf, type FailedEdit } from './views.tsx';
import { imageUrl } from './urls.ts';
import { listParams, readContext, scopeOfContext } from './list-context.ts';
import { neighbours } from './list.sql.ts';

const YEAR = 31_536_000;

export function imageRoutes(deps: Deps) {
  const { sql, storage, config } = deps;
  const app = new Hono<AppEnv>();
  const presign = !!config.s3?.presign;

  /** The image if the current user may see it; otherwise NotFound, exactly as if it did not exist. */
  async function visibleImage(c: Context<AppEnv>) {
    const image = await findImage(sql, c.req.param('id')!);
    const userId = c.get('user')?.id;
    if (!image || !maySee(image, userId, c.req.query('share'))) throw new NotFound();
    // Only public images may sit in shared caches: the others can become unreachable at any time.
    return { image, isOwner: image.user_id === userId, cache: image.visibility === 'public' ? 'public' : 'private' };
  }

  /** Links to the previous and next image of the list the page was opened from, if any. */
  async function aroundInList(c: Context<AppEnv>, image: { id: string; ts: string; bytes: number }) {
    const ctx = readContext(c.req.query());
    const scope = ctx && scopeOfContext(ctx, c.get('user')?.id);
    if (!ctx || !scope) return {};
    const { prev, next } = await neighbours(sql, { scope, sort: ctx.sort, q: ctx.q }, image);
    const href = (id?: string) => id && `${imageUrl(id)}?${listParams(ctx)}`;
    return { prev: href(prev), next: href(next) };
  }

  /** The image's page; with `failed`, its owner's refused form again (422). */
  async function imagePage(c: Context<AppEnv>, failed?: FailedEdit) {
    const found = await visibleImage(c);
    if (failed && !found.isOwner) throw new NotFound();
    const origin = config.publicUrl?.origin ?? new URL(c.req.url).origin;
    const around = await aroundInList(c, found.image);
    const page = <ImagePage image={found.image} isOwner={found.isOwner} share={c.req.query('share')} origin={origin} around={around} failed={failed} />;
    return renderPage(c, titleOf(found.image), page, failed ? 422 : 200);
  }

  app.get('/images/:id', (c) => imagePage(c));
  app.route('/', imageEditRoutes(deps, imagePage));

  app.get('/images/:id/original', async (c) => {
    const { image, isOwner, cache } = await visibleImage(c);
    const keys = objectKeys(image);
    // Only the owner gets the exact bytes they uploaded; everyone else a metadata-free copy.
    return serveObject(c, storage, {
      key: isOwner ? keys.original : keys.clean,
      size: Number(isOwner ? image.bytes : image.clean_bytes),
      contentType: CONTENT_TYPES[image.format],
      etag: `"${isOwner ? 'o' : 'c'}${image.sha256.slice(0, 32)}"`,
      // Shared caches may keep the public copy only briefly: its URL stays the same when the
      // image is withdrawn.
      cacheControl: isOwner ? 'private, max-age=3600' : `${cache}, max-age=60`,
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
    if (found.image[`${variant}_hash`] !== hash || found.image.epoch !== Number(epoch)) throw new NotFound();
    return serveObject(c, storage, {
      key: objectKeys(found.image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      // The URL names the content and the visibility epoch, so what it names never changes.
      cacheControl: `${found.cache}, max-age=${YEAR}, immutable`,
      presign,
    });
  });

  /** Deletes the user's image: its row now, its objects right after; NotFound when not theirs. */
  async function deleteImage(c: Context<AppEnv>) {
    const keys = await deleteOwnedImage(sql, c.req.param('id')!, signedIn(c).user.id);
    if (keys.length === 0) throw new NotFound();
    await purgeObjects({ sql, storage }, keys, true);
  }

  app.post('/images/:id/delete', requireUser, async (c) => {
    await deleteImage(c);
    flash(c, 'The image was deleted.');
    return c.redirect('/dashboard', 303);
  });

  app.delete('/images/:id', requireUser, async (c) => {
    await deleteImage(c);
    // htmx swaps the card for this empty body; anyone else gets a page that says so.
    return wantsFragment(c) ? c.body(null, 200) : renderPage(c, 'Deleted', <p class="notice" role="status">The image was deleted.</p>);
  });

  return app;
}
