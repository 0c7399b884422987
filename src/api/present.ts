import type { z } from '@hono/zod-openapi';
import { directUrl, imageUrl, variantUrl } from '../images/urls.ts';
import { albumUrl } from '../albums/urls.ts';
import { anyoneWith } from '../images/access.ts';
import type { OwnAlbum } from '../albums/albums.sql.ts';
import type { ImageDetails } from '../images/by-id.sql.ts';
import type { AlbumSchema, ImageSchema, PublicImageSchema } from './schemas.ts';

// Rows as the API shows them: absolute URLs of this site (PUBLIC_URL's origin when set), dates
// as ISO 8601.

/** The live share link of an unlisted image or album (not one that expired, nor one a moderator withholds). */
function shareLink(item: Parameters<typeof anyoneWith>[0]) {
  const share = anyoneWith(item)?.share;
  return share ? { share } : undefined;
}

/** Its owner's view of an image: the share link of an unlisted one goes on every URL that can be handed out. */
export function ownImage(origin: string, i: ImageDetails): z.infer<typeof ImageSchema> {
  const link = shareLink(i);
  return {
    id: i.id, filename: i.filename, title: i.title, caption: i.caption, alt_text: i.alt_text, visibility: i.visibility,
    width: i.width, height: i.height, bytes: Number(i.bytes), created_at: i.created_at.toISOString(), hidden: !!i.hidden_at,
    url: origin + imageUrl(i.id),
    image_url: origin + directUrl(i.id, link),
    thumb_url: origin + variantUrl(i, 'thumb', link),
    share_url: link ? origin + imageUrl(i.id, link) : null,
  };
}

/** A public image as anyone sees it in the gallery. */
export function publicImage(origin: string, i: ImageDetails): z.infer<typeof PublicImageSchema> {
  const { hidden: _h, share_url: _s, ...shown } = ownImage(origin, i);
  return { ...shown, username: i.username };
}

/** Its owner's view of an album, with its live share link. */
export function ownAlbum(origin: string, a: Omit<OwnAlbum, 'ts'>): z.infer<typeof AlbumSchema> {
  const link = shareLink(a);
  return {
    id: a.id, title: a.title, description: a.description, visibility: a.visibility, image_count: a.count,
    created_at: a.created_at.toISOString(), url: origin + albumUrl(a.id),
    share_url: link ? origin + albumUrl(a.id, link.share) : null,
  };
}
