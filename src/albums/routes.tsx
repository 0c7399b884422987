import { hiddenMessage } from '../images/views.tsx';
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { raw } from 'hono/html';
import { LRUCache } from 'lru-cache';
import { freshReads } from '../db/fresh-read.ts';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { userExists } from '../auth/users.sql.ts';
import { decodeCursor, encodeKey, paginate } from '../images/cursor.ts';
import { maySee } from '../images/access.ts';
import type { RowCache } from '../images/rows.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { BadRequest, Invalid, NotFound } from '../web/errors.tsx';
import { flash, isLocalPath } from '../web/flash.ts';
import { fieldErrors, idsField, showAgain, type FieldErrors, type Validated } from '../web/forms.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { randomId } from '../web/ids.ts';
import { around, renderPage } from '../web/render.tsx';
import { originOf } from '../web/origin.ts';
import { albumPreview, coverKey } from './preview.tsx';
import { addImagesAnswer } from './add.tsx';
import { albumMemberRoutes } from './member-routes.tsx';
import {
  albumKeys, ALBUM_SORTS, createAlbum, deleteAlbum, findAlbum, findMember, listAlbums, revokeAlbumLink, updateAlbum,
  type AlbumScope,
} from './albums.sql.ts';
import { albumChoices, arrangedNeighbour, countUnsharedMembers, removeFromAlbum, reorderAlbum } from './members.sql.ts';
import { AlbumCards, AlbumImages, AlbumPage, MoreAlbumImages, type AlbumPageProps } from './views.tsx';
import { ConfirmShare, ImageAlbums } from './membership-views.tsx';
import { NewAlbumForm } from './owner-views.tsx';
import { mustBeVerifiedFor } from '../recovery/sharing.ts';

export const ALBUM_PAGE_SIZE = 48;
const ALBUMS_PER_PAGE = 48;

const title = z.string().trim().min(1, 'Give the album a title').max(200, 'A title is at most 200 characters');
const description = z.string().trim().max(2000, 'A description is at most 2,000 characters');
const visibility = z.enum(['private', 'unlisted', 'public'], 'Choose who can see the album');

const newSchema = z.object({ title, description: description.default(''), visibility: visibility.default('private') });
const editSchema = z.object({
  title: title.optional(),
  description: description.optional(),
  visibility: visibility.optional(),
  sort: z.enum(ALBUM_SORTS, 'Choose an order').optional(),
  cover: z.string().max(64).optional(),
  expires: z.enum(['keep', 'never', '1', '7', '30'], 'Choose when the link expires').default('keep')
    .transform((e) => (e === 'keep' || e === 'never' ? e : { days: Number(e) })),
  confirm: z.literal('1').optional(),
});
const orderSchema = z.union([
  z.object({ ids: idsField }),
  z.object({ move: z.string().max(64), direction: z.enum(['up', 'down']) }),
]);
const addSchema = z.object({ ids: idsField, confirm: z.literal('1').optional(), back: z.string().max(1000).optional() });
const pageQuery = z.object({ cursor: z.string().max(200).optional(), share: z.string().max(200).optional() });

/** A form with no page of its own to show again: its first message, as an error fragment or page (422). */
const refused = (r: Validated) => {
  if (!r.success) throw new Invalid(fieldErrors(r.error!));
};

/** Who sees an album, from fewest to most. */
const AUDIENCE_SIZE = { private: 0, unlisted: 1, public: 2 } as const;

/** 160 random bits: the link is the only key to an unlisted album. */
const freshToken = () => randomBytes(20).toString('base64url');

/** The albums section of an image's page, for its owner. */
export function imageAlbumsAside(sql: Deps['sql']) {
  return async (userId: string, imageId: string, here: string) =>
    <ImageAlbums imageId={imageId} choices={await albumChoices(sql, userId, imageId)} back={here} />;
}

export function albumRoutes(deps: Deps & { rowsOf: RowCache }) {
  const { sql, config, rowsOf } = deps;
  const app = new Hono<AppEnv>();
  const origin = (c: Context) => originOf(c, config.publicUrl);
  // Sized in characters, like the page cache.
  const frames = new LRUCache<string, { before: string; after: string; head: string }>({
    maxSize: 4 * 1024 * 1024, sizeCalculation: (f, key) => f.before.length + f.after.length + f.head.length + key.length,
  });

  // The album's row, one read shared by the requests that ask for it at once (a popular album's
  // visitors), each still seeing it as it was after it asked (db/fresh-read.ts); read, never changed.
  const sharedAlbum = freshReads((id: string) => findAlbum(sql, id));
  /** The album if the request is in its audience; otherwise NotFound, exactly as if it did not exist. */
  async function visibleAlbum(c: Context<AppEnv>, id = c.req.param('id')!) {
    const album = await sharedAlbum(id);
    const userId = c.get('user')?.id;
    if (!album || !maySee(album, userId, c.req.query('share'))) throw new NotFound();
    return { album, isOwner: album.user_id === userId };
  }

  /** One page of albums: the cards, and the next page's URL. */
  async function albumsPage(scope: AlbumScope, base: string, cursor?: string) {
    const at = cursor ? decodeCursor(cursor, 'newest') : undefined;
    if (at === null) throw new BadRequest('This page link is not valid: it may have been cut off or edited.');
    const rows = await listAlbums(sql, { scope, cursor: at, limit: ALBUMS_PER_PAGE });
    const { page, next } = paginate(rows, ALBUMS_PER_PAGE, (r) => encodeKey(r.ts, r.id), { cursor: at });
    return { albums: page, next: next && `${base}?cursor=${next}` };
  }

  /** My albums, with the form that makes one (again with its messages when it was refused). */
  async function myAlbums(c: Context<AppEnv>, failed?: { errors: FieldErrors; values: Record<string, string> }) {
    const { albums, next } = await albumsPage({ ownerId: signedIn(c).user.id }, '/albums', c.req.query('cursor'));
    const page = (
      <section class="albums-page">
        <div class="heading"><h1>My albums</h1><NewAlbumForm {...failed} /></div>
        <AlbumCards albums={albums} owner next={next} empty="No albums yet. Make one, then add images from your dashboard or while uploading." />
      </section>
    );
    return renderPage(c, 'My albums', page, failed ? 422 : 200);
  }

  /** The album's page (or, for htmx, the next page of its images); `failed`: the owner's refused edit. */
  async function albumPage(c: Context<AppEnv>, failed?: { errors: FieldErrors; values: Record<string, string> }) {
    const { album, isOwner } = await visibleAlbum(c);
    if (failed && !isOwner) throw new NotFound();
    const query = pageQuery.safeParse(c.req.query());
    const sent = query.data?.cursor;
    // A page link of the album's order before the owner changed it starts again at the first page.
    const stale = sent && !decodeCursor(sent, album.sort) && ALBUM_SORTS.some((sort) => decodeCursor(sent, sort));
    const cursor = sent && !stale ? decodeCursor(sent, album.sort) : undefined;
    if (!query.success || cursor === null) throw new BadRequest('This page link is not valid: it may have been cut off or edited.');
    const keys = await albumKeys(sql, { id: album.id, sort: album.sort, cursor, limit: ALBUM_PAGE_SIZE });
    const { page: shown, next } = paginate(keys, ALBUM_PAGE_SIZE, (r) => encodeKey(r.key, r.id), { cursor });
    const page = await rowsOf(shown);
    const share = isOwner ? undefined : query.data.share;
    // The album can lose its audience at any moment: no cache but the browser's, and that one asks first.
    if (!c.get('user')) c.header('Cache-Control', 'private, no-cache');
    if (wantsFragment(c) && cursor) return c.html(`${<MoreAlbumImages album={album} images={page} next={next} isOwner={isOwner} share={share} />}`);
    const chosen = album.cover_image_id && !cursor ? await findMember(sql, album.id, album.cover_image_id) : undefined;
    const cover = cursor ? undefined : (chosen ?? page[0]);
    const frame = albumFrame({ album, cover, isOwner, share, origin: origin(c), mayReport: !isOwner && !!c.get('user'), failed });
    const list = <AlbumImages album={album} images={page} next={next} isOwner={isOwner} share={share} />;
    return renderPage(c, album.title, raw(`${frame.before}${list}${frame.after}`), failed ? 422 : 200, frame.head && raw(frame.head));
  }

  /**
   * The album page's own markup around its images: its head, links, embed codes, link preview
   * and the owner's settings. Kept by everything it is made of: the album's row by its revision
   * (its owner's name never changes: sql/0019), whether its link has expired by now, its cover,
   * and the viewer's part, link and origin. A refused edit, shown with its messages, is made afresh.
   */
  function albumFrame(p: Omit<AlbumPageProps, 'list' | 'embed'>) {
    const { album, cover, failed } = p;
    const make = () => {
      const shared = albumPreview(album, cover, p.origin);
      const [before, after] = around((hole) => <AlbumPage {...p} list={hole} embed={shared?.embed} />);
      return { before, after, head: shared ? `${shared.head}` : '' };
    };
    if (failed) return make();
    const expired = !!album.share_expires_at && album.share_expires_at <= new Date();
    const key = JSON.stringify([album.id, album.rev, expired, coverKey(cover), p.isOwner, p.mayReport, p.share, p.origin]);
    let frame = frames.get(key);
    if (!frame) frames.set(key, (frame = make()));
    return frame;
  }

  /**
   * Where a plain form on an album's page returns: that page, its cursor kept (the Referer, when
   * it is this album's page on this site), else the album's first page; at `anchor`.
   */
  function backToAlbum(c: Context<AppEnv>, id: string, anchor = '') {
    const base = `/albums/${id}`;
    const referer = c.req.header('Referer');
    const from = referer && URL.canParse(referer) ? new URL(referer) : undefined;
    const same = from?.origin === origin(c) && from.pathname === base && isLocalPath(from.pathname + from.search);
    return `${same ? from.pathname + from.search : base}${anchor && `#${anchor}`}`;
  }

  /** The owner's album, or NotFound for anyone else. */
  async function ownAlbum(c: Context<AppEnv>) {
    const album = await findAlbum(sql, c.req.param('id')!);
    if (!album || album.user_id !== signedIn(c).user.id) throw new NotFound();
    return album;
  }

  app.get('/albums', requireUser, (c) => myAlbums(c));
  app.post('/albums', requireUser, zValidator('form', newSchema, showAgain((c, failed) => myAlbums(c as Context<AppEnv>, failed as never))), async (c) => {
    const form = c.req.valid('form');
    const id = randomId();
    await mustBeVerifiedFor(deps, signedIn(c).user.id, form.visibility);
    await createAlbum(sql, { id, user_id: signedIn(c).user.id, ...form, share_token: form.visibility === 'unlisted' ? freshToken() : null });
    flash(c, `Album “${form.title}” created. Add images from your dashboard, an image's page, or while uploading.`);
    return c.redirect(`/albums/${id}`, 303);
  });

  app.get('/albums/public', async (c) => {
    const { albums, next } = await albumsPage({ public: true }, '/albums/public', c.req.query('cursor'));
    const body = (
      <section class="albums-page">
        <h1>Public albums</h1>
        <AlbumCards albums={albums} next={next} empty="No public albums yet." />
      </section>
    );
    return renderPage(c, 'Public albums', body);
  });

  app.get('/u/:username{[A-Za-z0-9_-]{3,32}}/albums', async (c) => {
    const username = c.req.param('username');
    if (!(await userExists(sql, username))) throw new NotFound();
    const { albums, next } = await albumsPage({ username }, `/u/${username}/albums`, c.req.query('cursor'));
    const body = (
      <section class="albums-page">
        <h1>Albums of <a href={`/u/${username}`}>{username}</a></h1>
        <AlbumCards albums={albums} next={next} empty={`${username} has no public albums yet.`} />
      </section>
    );
    return renderPage(c, `Albums of ${username}`, body);
  });

  // From an image's page: the album is a field of the form. Sent without one, htmx gets the
  // section back with the message beside the menu.
  const addHere = addSchema.extend({ album: z.string().min(1, 'Choose an album to add the image to').max(64) });
  app.post('/albums/add', requireUser, zValidator('form', addHere, async (r, c) => {
    if (r.success) return;
    const [image] = [(r.data as { ids?: unknown }).ids].flat();
    const error = fieldErrors(r.error).album;
    if (!wantsFragment(c) || typeof image !== 'string' || !error) return refused(r);
    const userId = signedIn(c).user.id;
    const back = String((r.data as { back?: unknown }).back ?? '');
    return c.html(`${<ImageAlbums imageId={image} choices={await albumChoices(sql, userId, image)} back={back} error={error} />}`, 422);
  }), (c) => {
    const { album, ids, confirm, back } = c.req.valid('form');
    return addImagesAnswer(c, deps, { albumId: album, ids, confirm: !!confirm, back });
  });

  app.get('/albums/:id{[\\w-]{1,64}}', (c) => albumPage(c));

  app.post('/albums/:id{[\\w-]{1,64}}', requireUser, zValidator('form', editSchema, showAgain((c, failed) => albumPage(c as Context<AppEnv>, failed as never))), async (c) => {
    const { confirm, ...form } = c.req.valid('form');
    const album = await ownAlbum(c);
    // The settings form always sends the audience: unchanged, with the link's expiry kept, it
    // leaves the link alone (an expired one stays expired rather than being silently renewed).
    const edit = form.visibility === album.visibility && form.expires === 'keep' ? { ...form, visibility: undefined } : form;
    if (album.hidden_at && edit.visibility && edit.visibility !== 'private') {
      const sent = Object.fromEntries((await c.req.formData()).entries()) as Record<string, string>;
      return albumPage(c, { errors: { visibility: hiddenMessage(album.hidden_reason) }, values: sent });
    }
    if (edit.visibility) await mustBeVerifiedFor(deps, album.user_id, edit.visibility);
    // Showing the album's private images to more people than before is asked first.
    if (edit.visibility && AUDIENCE_SIZE[edit.visibility] > AUDIENCE_SIZE[album.visibility] && !confirm) {
      const unshared = await countUnsharedMembers(sql, album.id);
      if (unshared > 0) {
        const sent = Object.fromEntries((await c.req.formData()).entries()) as Record<string, string>;
        return renderPage(c, 'Share album', <ConfirmShare album={album} fields={sent} unshared={unshared} />);
      }
    }
    const changed = await updateAlbum(sql, album.id, album.user_id, { ...edit, fresh: freshToken() });
    if (!changed) throw new NotFound();
    flash(c, form.cover ? 'Cover chosen.' : 'Album saved.');
    return c.redirect(backToAlbum(c, c.req.param('id'), form.cover ? `image-${form.cover}` : 'album-settings'), 303);
  });

  app.post('/albums/:id{[\\w-]{1,64}}/order', requireUser, zValidator('form', orderSchema, refused), async (c) => {
    const album = await ownAlbum(c);
    const form = c.req.valid('form');
    let order = 'ids' in form ? form.ids : [];
    if ('move' in form) {
      // One place earlier or later in the arranged order: a swap with that neighbour.
      const other = await arrangedNeighbour(sql, album.id, form.move, form.direction);
      order = other ? (form.direction === 'up' ? [form.move, other] : [other, form.move]) : [];
    }
    await reorderAlbum(sql, album.id, album.user_id, order);
    if (wantsFragment(c)) return c.body(null, 204);
    return c.redirect(backToAlbum(c, album.id, 'move' in form ? `image-${form.move}` : ''), 303);
  });

  app.post('/albums/:id{[\\w-]{1,64}}/images', requireUser, zValidator('form', addSchema, refused), (c) => {
    const { ids, confirm, back } = c.req.valid('form');
    return addImagesAnswer(c, deps, { albumId: c.req.param('id'), ids, confirm: !!confirm, back });
  });

  app.post('/albums/:id{[\\w-]{1,64}}/images/remove', requireUser, zValidator('form', z.object({ ids: idsField }), refused), async (c) => {
    const removed = await removeFromAlbum(sql, c.req.param('id'), signedIn(c).user.id, c.req.valid('form').ids);
    if (!removed) throw new NotFound();
    // htmx takes the tile away; the answer is nothing to swap in.
    if (wantsFragment(c)) return c.body(null, 200);
    flash(c, removed.length === 1 ? 'Removed from the album.' : `Removed ${removed.length} images from the album.`);
    return c.redirect(backToAlbum(c, c.req.param('id')), 303);
  });

  app.post('/albums/:id{[\\w-]{1,64}}/delete', requireUser, async (c) => {
    if (!(await deleteAlbum(sql, c.req.param('id'), signedIn(c).user.id))) throw new NotFound();
    flash(c, 'The album was deleted; its images are still in My images.');
    return c.redirect('/albums', 303);
  });

  app.post('/albums/:id{[\\w-]{1,64}}/share/revoke', requireUser, async (c) => {
    if (!(await revokeAlbumLink(sql, c.req.param('id'), signedIn(c).user.id))) throw new NotFound();
    flash(c, 'The share link was revoked; the album is private.');
    return c.redirect(`/albums/${c.req.param('id')}#album-settings`, 303);
  });

  app.route('/', albumMemberRoutes(deps, visibleAlbum));
  return app;
}
