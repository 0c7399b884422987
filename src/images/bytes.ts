import { Hono, type Context } from 'hono';
import type { AppEnv, Deps } from '../web/env.ts';
import { Forbidden, NotFound } from '../web/errors.tsx';
import { originOf } from '../web/origin.ts';
import type { ImageRow } from './images.sql.ts';
import { objectKeys, type Variant } from './keys.ts';
import { CONTENT_TYPES, servedFormat } from './pipeline.ts';
import { attachment, downloadName, serveObject } from './serve.ts';
import { ensureCleanCopy, type CleanCopyDeps } from './clean-copy.ts';

const YEAR = 31_536_000;
/** How long shared caches keep a public derivative before asking again. */
const SHARED_SECONDS = 300;

/**
 * An image a request may see, and how its bytes may be cached: `public` in shared caches (a
 * public image at its own URLs), `private` in the browser alone, `revalidate` not even there
 * without asking first (reached through an album, whose audience can lose it at any moment; nor
 * through a presigned URL, which would outlive that). `embeddable`: anyone holding the URL may see
 * it (public, or a live share link), so pages of other sites may show it.
 */
export type Found = { image: ImageRow; isOwner: boolean; cache: 'public' | 'private' | 'revalidate'; embeddable: boolean };

/**
 * With EMBED_ORIGINS set, whether the page asking for an image is allowed to show it: our own
 * pages and the listed origins, by the Referer; without one, anything but a cross-site request.
 * Opening the image itself (a link followed, an address typed) is no embedding, from anywhere.
 */
function mayHotlink(c: Context, origins: readonly string[] | undefined, own: string) {
  if (!origins || c.req.header('Sec-Fetch-Mode') === 'navigate') return true;
  const referer = c.req.header('Referer');
  const from = referer && URL.canParse(referer) ? new URL(referer).origin : undefined;
  if (from) return from === own || origins.includes(from);
  const site = c.req.header('Sec-Fetch-Site');
  return site !== 'cross-site' && site !== 'same-site';
}

/**
 * The original and the derivatives of the image `find` gives (or NotFound), mounted under
 * `/images` and under `/albums/:album/images`.
 */
export function imageBytesRoutes(deps: Deps & Pick<CleanCopyDeps, 'decodes'>, find: (c: Context<AppEnv>) => Promise<Found>) {
  const { storage, config } = deps;
  const app = new Hono<AppEnv>();

  /** The size of the image's clean copy, made now on its first request (NotFound when the image went meanwhile). */
  async function cleanCopy(image: ImageRow) {
    const size = await ensureCleanCopy(deps, image);
    if (size === null) throw new NotFound();
    return size;
  }
  const presign = !!config.s3?.presign;

  /** What every answer with bytes of `found` shares: who may embed them, and whether this page may. */
  function embedding(c: Context<AppEnv>, found: Found, exact = false) {
    // The owner's exact original keeps its metadata: never for other sites' pages.
    const crossOrigin = found.embeddable && !exact;
    if (crossOrigin && !mayHotlink(c, config.embedOrigins, originOf(c, config.publicUrl))) {
      throw new Forbidden('This image may not be shown on other sites.');
    }
    return { crossOrigin, vary: config.embedOrigins ? 'Referer, Sec-Fetch-Site' : undefined };
  }

  app.get('/:id/original', async (c) => {
    const found = await find(c);
    const { image, isOwner, cache } = found;
    const keys = objectKeys(image);
    // Only the owner gets the exact bytes they uploaded; everyone else a metadata-free copy.
    const format = servedFormat(image.format, isOwner);
    return serveObject(c, storage, {
      key: isOwner ? keys.original : keys.clean,
      size: isOwner ? Number(image.bytes) : await cleanCopy(image),
      contentType: CONTENT_TYPES[format],
      etag: `"${isOwner ? 'o' : 'c'}${image.sha256.slice(0, 32)}"`,
      // Shared caches may keep the public copy only briefly: its URL stays the same when the
      // image is withdrawn.
      cacheControl: cache === 'revalidate' ? 'private, no-cache' : isOwner ? 'private, max-age=3600' : `${cache}, max-age=60`,
      disposition: c.req.query('download') === '1' ? attachment(downloadName(image.filename, format)) : undefined,
      ranges: true,
      presign: presign && cache !== 'revalidate',
      ...embedding(c, found, isOwner),
    });
  });

  // The direct link (embed codes): the display derivative the image has now, whatever its hash.
  app.get('/:id/display.webp', async (c) => {
    const found = await find(c);
    return serveObject(c, storage, {
      key: objectKeys(found.image).display,
      contentType: 'image/webp',
      etag: `"${found.image.display_hash}-${found.image.epoch}"`,
      // Its URL does not change when the image is withdrawn or re-encoded: shared caches keep it
      // as briefly as the clean copy.
      cacheControl: found.cache === 'revalidate' ? 'private, no-cache' : `${found.cache}, max-age=60`,
      presign: presign && found.cache !== 'revalidate',
      ...embedding(c, found),
    });
  });

  // `thumb2x` before `thumb`: Hono's combined router takes the first alternative that matches
  // a prefix, and would never reach the longer name.
  app.get('/:id/:variant{thumb2x|thumb|display}/:file{[0-9a-f]{16}-\\d{1,9}\\.webp}', async (c) => {
    const found = await find(c);
    const { image, cache } = found;
    const [hash, epoch] = c.req.param('file').slice(0, -'.webp'.length).split('-');
    const variant = c.req.param('variant') as Variant;
    if (image[`${variant}_hash`] !== hash || image.epoch !== Number(epoch)) throw new NotFound();
    return serveObject(c, storage, {
      key: objectKeys(image)[variant],
      contentType: 'image/webp',
      etag: `"${hash}"`,
      // The URL names the content and the visibility epoch, so what it names never changes. Yet a
      // moderator may take a public image down: shared caches (a CDN) ask again within five
      // minutes (a 304 while it stands), so a takedown reaches them too.
      cacheControl: cache === 'revalidate' ? 'private, no-cache'
        : cache === 'public' ? `public, max-age=${YEAR}, s-maxage=${SHARED_SECONDS}, immutable` : `private, max-age=${YEAR}, immutable`,
      presign: presign && cache !== 'revalidate',
      ...embedding(c, found),
    });
  });

  return app;
}
