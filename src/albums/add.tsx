import type { Context } from 'hono';
import { signedIn } from '../auth/middleware.ts';
import type { Deps } from '../web/env.ts';
import { NotFound } from '../web/errors.tsx';
import { flash, isLocalPath } from '../web/flash.ts';
import { plural } from '../web/format.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { renderFor } from '../web/render.tsx';
import { findOwned } from '../images/images.sql.ts';
import { missingImages } from '../images/missing.ts';
import { findAlbum } from './albums.sql.ts';
import { albumChoices, joinAlbum } from './members.sql.ts';
import { ConfirmAdd, ConfirmAddInline, ImageAlbums } from './membership-views.tsx';

export type AddRequest = { albumId: string; ids: string[]; confirm: boolean; back?: string };

/**
 * Adds the user's images to their album, from wherever the form was (the album, an image's page,
 * the dashboard's bulk bar), then returns there (`back`). Private images joining an album that
 * others see are asked about first: a page without JavaScript, in place with htmx. With htmx on
 * an image's page the answer is that page's albums section, updated.
 */
export async function addImagesAnswer(c: Context, { sql }: Pick<Deps, 'sql'>, r: AddRequest) {
  const userId = signedIn(c).user.id;
  const album = await findAlbum(sql, r.albumId);
  if (!album || album.user_id !== userId) throw new NotFound();
  // Ids that are not the user's own live images are refused, and nothing changes; the user is
  // told when all are theirs but some are in the trash (moved there in another tab).
  const live = (await findOwned(sql, userId, r.ids)).length;
  if (live < new Set(r.ids).size) throw await missingImages(sql, userId, r.ids, live);
  const back = r.back && isLocalPath(r.back) ? r.back : `/albums/${album.id}`;
  const inPlace = wantsFragment(c) && r.ids.length === 1;
  const joined = await joinAlbum(sql, album, userId, r.ids, r.confirm);
  if ('unshared' in joined) {
    const props = { album, ids: r.ids, unshared: joined.unshared, back };
    // In place of the image page's albums section (htmx), else a page of its own.
    const fragment = inPlace ? <ConfirmAddInline {...props} /> : <ConfirmAdd {...props} />;
    return renderFor(c, { title: 'Add to album', fragment, page: <ConfirmAdd {...props} /> });
  }
  const { added } = joined;
  if (inPlace) return c.html(`${<ImageAlbums imageId={r.ids[0]!} choices={await albumChoices(sql, userId, r.ids[0])} back={back} />}`);
  const already = new Set(r.ids).size - added.length;
  flash(c, `Added ${plural(added.length)} to “${album.title}”${already > 0 ? ` (${already} already there)` : ''}.`);
  return c.redirect(back, 303);
}
