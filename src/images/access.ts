import { timingSafeEqual } from 'node:crypto';
import type { ImageRow } from './images.sql.ts';

/** What can be shared by visibility and link: an image, or an album. */
type Shareable = Pick<ImageRow, 'user_id' | 'visibility' | 'share_token' | 'share_expires_at' | 'withheld'>;

function sameToken(a: string, b: string) {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Who may see an image (or an album, and so every image in it): its owner always; nobody else
 * while it is withheld (hidden by a moderator, or its owner disabled); anyone when it is public;
 * with the share token of an unlisted one that has not expired. Everyone else must get exactly
 * what a missing one gets.
 */
export function maySee(image: Shareable, userId: string | undefined, share: string | undefined) {
  if (image.user_id === userId) return true;
  if (image.withheld) return false;
  if (image.visibility === 'public') return true;
  return image.visibility === 'unlisted' && !!share && !!image.share_token && sameToken(share, image.share_token)
    && (!image.share_expires_at || image.share_expires_at > new Date());
}

/**
 * The share token under which anyone may see `item` (none needed when it is public), or
 * undefined when only its owner may (private, or a link that expired).
 */
export function anyoneWith(item: Shareable): { share?: string } | undefined {
  if (item.withheld) return undefined;
  if (item.visibility === 'public') return {};
  const share = item.share_token ?? undefined;
  return maySee(item, undefined, share) ? { share } : undefined;
}
