import { Hono, type Context } from 'hono';
import { requireUser } from '../auth/middleware.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { deleteOwnedImage, findImage } from './images.sql.ts';
import { purgeObjects } from '../janitor/purge.ts';
import { objectKeys, type Variant } from './keys.ts';
import { CONTENT_TYPES } from './pipeline.ts';
import { attachment, serveObject } from './serve.ts';
import { ImagePage } from './views.tsx';

const YEAR = 31_536_000;

export function imageRoutes({ sql, storage, config }: Deps) {
  const presign = !!config.s3?.presign;
  const app = new Hono<AppEnv>();

  /** The image if the current user may see it; otherwise undefined, exactly as if it did not exist. */
  async function visibleImage(c: Context<AppEnv>) {
    const image = await findImage(sql, c.req.param('id')!);
    const isOwner = !!image && image.user_id === c.get('user')?.id;
    return image && (isOwner || image.visibility === 'public') ? { image, isOwner } : undefined;
  }

  const notFound = (c: Context<AppEnv>) => c.notFound();

  app.get('/images/:id', async (c) => {
    const found = await visibleImage(c);
    if (!found) return notFound(c);
    return renderPage(c, found.image.filename, <ImagePage image={found.image} isOwner={found.isOwner} />);
  });

  app.get('/images/:id/original', async (c) => {
    const found = await visibleImage(c);
    if (!found) return notFound(c);
    const { image, isOwner } = found;
    const keys = objectKeys(image);
    // Only the owner gets the exact bytes they uploaded; everyone else a metadata-free copy.
    return serveObject(c, storage, {
      key: isOwner ? keys.original : keys.clean,
      size: Number(isOwner ? image.bytes : image.clean_bytes),
      contentType: CONTENT_TYPES[image.format],
      etag: `"${isOwner ? 'o' : 'c'}${image.sha256.slice(0, 32)}"`,
      cacheControl: isOwner || image.visibility === 'private' ? 'private, max-age=3600' : 'public, max-age=3600',
      disposition: c.req.query('download') === '1' ? attachment(image.filename) : undefined,
      ranges: true,
      presign,
    });
  });

  app.get('/images/:id/:variant{thumb|thumb2x|display}/:file{[0-9a-f]{16}\\.webp}', async (c) => {
    const found = await visibleImage(c);
    const hash = c.req.param('file').slice(0, 16);
    const variant = c.req.param('variant') as Variant;
    if (!found || found.image[`${variant}_hash`] !== hash) return notFound(c);
    const { image } = found;
    return serveObject(c, storage, {
      key: objectKeys(image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      // The URL names the content, so it never changes; private copies stay out of shared caches.
      cacheControl: image.visibility === 'public' ? `public, max-age=${YEAR}, immutable` : `private, max-age=${YEAR}, immutable`,
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
    if (!(await deleteImage(c))) return notFound(c);
    return c.redirect('/dashboard', 303);
  });

  app.delete('/images/:id', requireUser, async (c) => {
    if (!(await deleteImage(c))) return notFound(c);
    // htmx swaps the card for this empty body; anyone else just gets the confirmation.
    return wantsFragment(c) ? c.body(null, 200) : c.text('Deleted', 200);
  });

  return app;
}
