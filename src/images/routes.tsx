import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { NotFound } from '../web/errors.tsx';
import { imageEditRoutes } from './edit-routes.tsx';
import type { AppEnv, Deps } from '../web/env.ts';
import { renderPage } from '../web/render.tsx';
import { wantsFragment } from '../web/htmx.ts';
import { flash, isLocalPath } from '../web/flash.ts';
import { UndoForm, UndoToast } from '../web/flash-notice.tsx';
import { anyoneWith, maySee } from './access.ts';
import { ImagePreview } from './embed.tsx';
import { originOf } from '../web/origin.ts';
import { findImage } from './images.sql.ts';
import { discardImage } from './discard.ts';
import { imageBytesRoutes, type Found } from './bytes.ts';
import { ImagePage, type FailedEdit } from './views.tsx';
import { titleOf } from './names.ts';
import { imageUrl } from './urls.ts';
import { listParams, readContext, scopeOfContext, type ListContext } from './list-context.ts';
import { followingImage, neighbours, type SortKeys } from './list.sql.ts';

/** The path and query of `url` when it is on `origin`, else ''. */
function pathOn(origin: string, url?: string) {
  const u = url && URL.canParse(url) ? new URL(url) : undefined;
  return u?.origin === origin ? u.pathname + u.search : '';
}

/** The list a context names, with its search and sort. */
function listUrl(ctx: ListContext) {
  const query = listParams({ q: ctx.q, sort: ctx.sort });
  return query ? `/${ctx.in}?${query}` : `/${ctx.in}`;
}

/** What another feature shows on an image's page for its owner (the albums it is in), by image id and the page's URL. */
export type OwnerAside = (userId: string, imageId: string, here: string) => Promise<Child>;

export function imageRoutes(deps: Deps, ownerAside?: OwnerAside) {
  const { sql, config } = deps;
  const app = new Hono<AppEnv>();

  /** The image if the current user may see it; otherwise NotFound, exactly as if it did not exist. */
  async function visibleImage(c: Context<AppEnv>): Promise<Found & { image: { username: string } & SortKeys }> {
    const image = await findImage(sql, c.req.param('id')!);
    const [userId, share] = [c.get('user')?.id, c.req.query('share')];
    if (!image || !maySee(image, userId, share)) throw new NotFound();
    // Only public images may sit in shared caches: the others can become unreachable at any time
    // (a withheld one is its owner's alone, whatever its visibility says).
    const cache = image.visibility === 'public' && !image.withheld ? 'public' : 'private';
    return { image, isOwner: image.user_id === userId, cache, embeddable: maySee(image, undefined, share) };
  }

  /** Links to the previous and next image of the list the page was opened from, if any. */
  async function aroundInList(c: Context<AppEnv>, image: SortKeys) {
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
    const origin = originOf(c, config.publicUrl);
    const around = await aroundInList(c, found.image);
    const ctx = readContext(c.req.query());
    const here = `${imageUrl(found.image.id)}${ctx ? `?${listParams(ctx)}` : ''}`;
    const aside = found.isOwner && ownerAside && (await ownerAside(found.image.user_id, found.image.id, here));
    const anyone = anyoneWith(found.image);
    const page = <ImagePage image={found.image} isOwner={found.isOwner} signedIn={!!c.get('user')} link={{ share: c.req.query('share') }} origin={origin} around={around}
      failed={failed} context={ctx && listParams(ctx)} aside={aside} anyone={anyone} />;
    const head = anyone && <ImagePreview image={found.image} link={anyone} origin={origin} />;
    return renderPage(c, titleOf(found.image), page, failed ? 422 : 200, head);
  }

  app.get('/images/:id', (c) => imagePage(c));
  app.route('/', imageEditRoutes(deps, imagePage));

  app.route('/images', imageBytesRoutes(deps, visibleImage));

  /**
   * Moves the user's image to the trash and says so, or with TRASH_DAYS=0 deletes it for good
   * (the row now, its objects right after) and says nothing; NotFound when it is not theirs.
   * One already in their trash (from another tab) counts as done, and is said so.
   */
  async function deleteImage(c: Context<AppEnv>) {
    const [userId, id] = [signedIn(c).user.id, c.req.param('id')!];
    const done = await discardImage(deps, userId, id);
    if (!done) throw new NotFound();
    // Deleted meanwhile (in another tab, on another device): done, Undo included.
    if ('already' in done) return 'This image was already in the trash.';
    if (!('trashed' in done)) return undefined;
    const title = titleOf(done.trashed);
    return `Moved “${title.length > 60 ? `${title.slice(0, 59)}…` : title}” to the trash.`;
  }

  // Without JavaScript: back to the list the form's URL names (the page it is on, or the list an
  // image page was opened from), at the card that followed the deleted one, with an Undo.
  app.post('/images/:id/delete', requireUser, async (c) => {
    const ctx = readContext(c.req.query()) ?? { in: 'dashboard', sort: 'newest' as const };
    const id = c.req.param('id');
    const back = listUrl(ctx);
    const scope = scopeOfContext(ctx, signedIn(c).user.id);
    const following = scope && (await followingImage(sql, { scope, sort: ctx.sort, q: ctx.q }, [id]));
    const message = await deleteImage(c);
    flash(c, message ?? 'The image was deleted.', message ? { ids: [id], back } : undefined);
    return c.redirect(following ? `${back}#image-${following}` : back, 303);
  });

  // htmx (a card's form): the card removes itself; the answer carries the Undo toast, which
  // returns to the page the browser shows.
  app.delete('/images/:id', requireUser, async (c) => {
    const message = await deleteImage(c);
    const here = pathOn(originOf(c, config.publicUrl), c.req.header('HX-Current-URL'));
    const undo = message && { ids: [c.req.param('id')], back: isLocalPath(here) ? here : '/dashboard' };
    if (wantsFragment(c)) return c.html(undo ? `${<UndoToast message={message} undo={undo} />}` : '');
    // Anyone else gets a page that says so.
    const notice = undo ? <>{message} <UndoForm undo={undo} /></> : 'The image was deleted.';
    return renderPage(c, 'Deleted', <div class="notice" role="status">{notice}</div>);
  });

  return app;
}
