import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import type { ImageRow } from './images.sql.ts';
import { objectKeys, type Variant } from './keys.ts';
import { CONTENT_TYPES } from './pipeline.ts';
import { attachment, downloadName, serveObject } from './serve.ts';

const YEAR = 31_536_000;

/**
 * An image a request may see, and how its bytes may be cached: `public` in shared caches (a
 * public image at its own URLs), `private` in the browser alone, `revalidate` not even there
 * without asking first (reached through an album, whose audience can lose it at any moment; nor
 * through a presigned URL, which would outlive that).
 */
export type Found = { image: ImageRow; isOwner: boolean; cache: 'public' | 'private' | 'revalidate' };

/**
 * The original and the derivatives of the image `find` gives (or NotFound), mounted under
 * `/images` and under `/albums/:album/images`.
 */
export function imageBytesRoutes({ storage, config }: Deps, find: (c: Context<AppEnv>) => Promise<Found>) {
  const app = new Hono<AppEnv>();
  const presign = !!config.s3?.presign;

  app.get('/:id/original', async (c) => {
    const { image, isOwner, cache } = await find(c);
    const keys = objectKeys(image);
    // Only the owner gets the exact bytes they uploaded; everyone else a metadata-free copy.
    return serveObject(c, storage, {
      key: isOwner ? keys.original : keys.clean,
      size: Number(isOwner ? image.bytes : image.clean_bytes),
      contentType: CONTENT_TYPES[image.format],
      etag: `"${isOwner ? 'o' : 'c'}${image.sha256.slice(0, 32)}"`,
      // Shared caches may keep the public copy only briefly: its URL stays the same when the
      // image is withdrawn.
      cacheControl: cache === 'revalidate' ? 'private, no-cache' : isOwner ? 'private, max-age=3600' : `${cache}, max-age=60`,
      disposition: c.req.query('download') === '1' ? attachment(downloadName(image.filename, image.format)) : undefined,
      ranges: true,
      presign: presign && cache !== 'revalidate',
    });
  });

  // `thumb2x` before `thumb`: Hono's combined router takes the first alternative that matches
  // a prefix, and would never reach the longer name.
  app.get('/:id/:variant{thumb2x|thumb|display}/:file{[0-9a-f]{16}-\\d{1,9}\\.webp}', async (c) => {
    const { image, cache } = await find(c);
    const [hash, epoch] = c.req.param('file').slice(0, -'.webp'.length).split('-');
    const variant = c.req.param('variant') as Variant;
    if (image[`${variant}_hash`] !== hash || image.epoch !== Number(epoch)) throw new NotFound();
    return serveObject(c, storage, {
      key: objectKeys(image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      // The URL names the content and the visibility epoch, so what it names never changes.
      cacheControl: cache === 'revalidate' ? 'private, no-cache' : `${cache}, max-age=${YEAR}, immutable`,
      presign: presign && cache !== 'revalidate',
    });
  });

  return app;
}
