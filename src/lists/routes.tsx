import { Hono, type Context } from 'hono';
import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { zValidator } from '@hono/zod-validator';
import { requireUser, signedIn } from '../auth/middleware.ts';
import { BadRequest, NotFound } from '../web/errors.tsx';
import { bulkRoutes } from './bulk-routes.tsx';
import { trashRoutes } from './trash-routes.tsx';
import { userExists } from '../auth/users.sql.ts';
import type { AppEnv, Deps } from '../web/env.ts';
import { wantsFragment } from '../web/htmx.ts';
import { pageHtml, renderPage, sendHtml } from '../web/render.tsx';
import { encodeCursor, listQuery, paginate } from '../images/cursor.ts';
import { createPageCache, type Cover } from './page-cache.ts';
import type { Metrics } from '../ops/metrics.ts';
import { spanOf, type ChangeLog, type PublicState } from './public-changes.ts';
import { listKeys, newestPublic, type Cursor, type ListedImage, type Scope, type Sort } from '../images/list.sql.ts';
import type { RowCache } from '../images/rows.ts';
import { BulkBar, SearchForm, UsageHeading } from './views.tsx';
import { ImageList, ListItems } from '../images/grid.tsx';
import { Icon } from '../web/icons.tsx';
import { HomePage } from './home.tsx';
import { atomFeed, ATOM_TYPE, FEED_ENTRIES } from './feed.ts';
import { FeedLink, ProfileHead } from './heads.tsx';
import { originOf } from '../web/origin.ts';
import { listAlbums } from '../albums/albums.sql.ts';
import { albumChoices } from '../albums/members.sql.ts';
import { AlbumCards } from '../albums/views.tsx';
import type { AlbumChoice } from '../albums/membership-views.tsx';

export const PAGE_SIZE = 48;
const HOME_IMAGES = 18;
const PROFILE_ALBUMS = 6;

type ListRequest = { q?: string; sort: Sort; cursor?: Cursor; before?: boolean };
type Rendered = { body: string; head?: string };
/**
 * `shared`: every visitor sees the same list, so its rendering may come from the page cache.
 * `byline`: each tile names its owner (not on lists of one person's images).
 */
type ListPage = {
  scope: Scope; base: string; title: string; heading?: Child; empty: string; owner?: boolean; shared?: boolean; byline?: boolean;
  bulk?: BulkRefusal;
  /** The owner's albums, for the bulk bar's "Add to album". */
  albums?: AlbumChoice[];
  /** Heading and albums, made beside the list's query (one wait, not two). */
  extras?: () => Promise<Pick<ListPage, 'heading' | 'albums'>>;
  /** Shown between the heading and the images on the first page, made with them (and cached with them). */
  above?: () => Promise<Child>;
  /** More of the page's `<head>` (feed link, link preview), given the list's newest image when the page shows it. */
  head?: (newest?: ListedImage) => Child;
};

const query = zValidator('query', listQuery, (r) => {
  if (!r.success) throw new BadRequest('This page link is not valid: it may have been cut off or edited.');
});

/** A refused bulk action, shown beside the dashboard's bulk bar. */
export type BulkRefusal = { error: string; action?: string; list?: { q?: string; sort: Sort } };

export function listRoutes(deps: Deps & { metrics: Pick<Metrics, 'pageCache'>; rowsOf: RowCache }, changes: ChangeLog, visitors: { stateOf(c: Context): Promise<PublicState> }) {
  const { sql, config, rowsOf } = deps;
  const app = new Hono<AppEnv>();
  // A rendering, and what it adds to the page's <head> (a feed link, a link preview).
  const cache = createPageCache<Rendered>(changes, undefined, (r) => r.body.length + (r.head?.length ?? 0), deps.metrics.pageCache);

  /**
   * One page of `scope` for the request's search, sort and cursor: the next items alone for
   * htmx, otherwise the whole page (`heading` above the search form and grid). Shared lists come
   * from the page cache, except searches (each one rare, they would only crowd it out): for
   * visitors without a session or message, the whole page; for others, all but the layout.
   */
  async function list(c: Context<AppEnv>, { q, sort, cursor, before }: ListRequest, opts: ListPage) {
    // A refused bulk action shows the whole list again, its message beside the bulk bar.
    const shape = wantsFragment(c) && !opts.bulk ? 'items' : !c.get('user') && !c.get('flash') ? 'page' : 'section';
    const render = async (cover?: Cover) => {
      const from = { scope: opts.scope, sort, q, limit: PAGE_SIZE };
      let at = { cursor, before };
      const [first, extras] = await Promise.all([listKeys(sql, { ...from, ...at }), shape === 'items' ? undefined : opts.extras?.()]);
      let keys = first;
      // Less than a page before the cursor (images went meanwhile): that is the list's start,
      // shown as its first page rather than as a short (or empty) one.
      if (before && keys.length <= PAGE_SIZE) {
        at = { cursor: undefined, before: false };
        keys = await listKeys(sql, from);
      }
      const { page: shown, next, prev } = paginate(keys, PAGE_SIZE, encodeCursor, at);
      cover?.(spanOf(sort, keys, PAGE_SIZE, at)); // cached while no change falls in this stretch
      // An image changed since its key was read is left out; its change falls in this stretch
      // (sql/0018 logs every update of a live public image), so a page cached without it is not kept.
      const page = await rowsOf(shown);
      const state = { base: opts.base, q, sort };
      const props = { images: page, next, prev, state, owner: !!opts.owner, byline: !!opts.byline };
      if (shape === 'items') return { body: (<ListItems {...props} prev={undefined} />).toString() };
      const above = opts.above && !cursor ? await opts.above() : undefined;
      const section = (
        <section class="list">
          <div class="list-head">
            {extras?.heading ?? opts.heading}
            <SearchForm state={state} label={`Search ${opts.title.toLowerCase()}`} />
          </div>
          {above}
          {opts.owner && page.length > 0 && <BulkBar state={state} {...opts.bulk} albums={extras?.albums ?? opts.albums} />}
          <ImageList {...props} empty={opts.empty} />
        </section>
      );
      // The preview's image is the newest: only the list's first page in its usual order has it.
      const head = opts.head?.(!cursor && sort === 'newest' ? page[0] : undefined);
      if (shape === 'page') return { body: pageHtml(opts.title, section, null, undefined, head) };
      return { body: `${section}`, head: head ? `${head}` : undefined };
    };
    const at = cursor ? `${before ? '<' : '>'}${cursor.key}|${cursor.id}` : '';
    // The head's links are absolute: without PUBLIC_URL, each origin the app is reached by has its own.
    const key = `${shape} ${originOf(c, config.publicUrl)} ${opts.base} ${sort} ${at}`;
    const { body, head } = opts.shared && !q ? await cache.get(key, render, visitors.stateOf(c)) : await render();
    if (shape !== 'section') return sendHtml(c, body);
    return renderPage(c, opts.title, raw(body), opts.bulk ? 422 : 200, head && raw(head));
  }

  /** The signed-in user's own images, with their storage meter (and a refused bulk action). */
  async function dashboard(c: Context<AppEnv>, request: ListRequest, bulk?: BulkRefusal) {
    const { user } = signedIn(c);
    const fragment = wantsFragment(c);
    return list(c, request, {
      extras: async () => ({ albums: fragment ? [] : await albumChoices(sql, user.id), heading: <UsageHeading {...user.storage} /> }),
      scope: { ownerId: user.id },
      base: '/dashboard',
      title: 'My images',
      owner: true,
      bulk,
      empty: 'You have no images yet. Upload some: choose many at once, public or private.',
    });
  }

  // The landing page shows the newest public images: for visitors, from the page cache.
  app.get('/', async (c) => {
    const user = c.get('user');
    const newest = async () => rowsOf((await listKeys(sql, { scope: { public: true }, sort: 'newest', limit: HOME_IMAGES })).slice(0, HOME_IMAGES));
    if (user || c.get('flash')) return renderPage(c, 'Home', <HomePage user={user} images={await newest()} />);
    const state = visitors.stateOf(c);
    const { open } = await state;
    const home = await cache.get(`page / ${open}`, async () => ({ body: pageHtml('Home', <HomePage user={null} images={open ? await newest() : []} />) }), state);
    return sendHtml(c, home.body);
  });

  app.get('/gallery', query, (c) => list(c, c.req.valid('query'), {
    scope: { public: true },
    base: '/gallery',
    title: 'Gallery',
    shared: true,
    byline: true,
    heading: <div class="heading"><h1>Gallery</h1><a class="button secondary" href="/albums/public"><Icon name="album" /> Public albums</a></div>,
    empty: 'No public images yet. Sign up and be the first to share one.',
    head: () => <FeedLink title="Gallery" href="/gallery.atom" />,
  }));

  /** An Atom feed of a public list's newest images, from the page cache like the pages. */
  async function feed(c: Context<AppEnv>, scope: { public: true } | { username: string }, f: { title: string; page: string; self: string }) {
    const origin = originOf(c, config.publicUrl);
    const feed = await cache.get(`atom ${origin} ${f.self}`, async () => ({ body: atomFeed(origin, { ...f, images: await newestPublic(sql, scope, FEED_ENTRIES) }) }), visitors.stateOf(c));
    return c.body(feed.body, 200, { 'Content-Type': ATOM_TYPE });
  }

  app.get('/gallery.atom', (c) => feed(c, { public: true }, { title: 'Gallery', page: '/gallery', self: '/gallery.atom' }));

  app.get('/u/:file{[A-Za-z0-9_-]{3,32}\\.atom}', async (c) => {
    const username = c.req.param('file').slice(0, -'.atom'.length);
    if (!(await userExists(sql, username))) throw new NotFound();
    return feed(c, { username }, { title: `Images of ${username}`, page: `/u/${username}`, self: `/u/${username}.atom` });
  });

  app.get('/u/:username{[A-Za-z0-9_-]{3,32}}', query, async (c) => {
    const username = c.req.param('username');
    if (!(await userExists(sql, username))) throw new NotFound();
    return list(c, c.req.valid('query'), {
      scope: { username },
      base: `/u/${username}`,
      title: `Images of ${username}`,
      shared: true,
      heading: <h1>{username}</h1>,
      empty: `${username} has no public images yet.`,
      head: (newest) => <ProfileHead username={username} newest={newest} origin={originOf(c, config.publicUrl)} />,
      above: async () => {
        const albums = await listAlbums(sql, { scope: { username }, limit: PROFILE_ALBUMS });
        return albums.length > 0 && (
          <section class="profile-albums" aria-label="Albums">
            <AlbumCards albums={albums.slice(0, PROFILE_ALBUMS)} empty="" />
            {albums.length > PROFILE_ALBUMS && <p><a href={`/u/${username}/albums`}>All albums of {username}</a></p>}
          </section>
        );
      },
    });
  });

  app.get('/dashboard', requireUser, query, (c) => dashboard(c, c.req.valid('query')));
  app.route('/', bulkRoutes(deps, (c, bulk) => dashboard(c, bulk.list ?? { sort: 'newest' }, bulk)));
  app.route('/', trashRoutes(deps));

  return app;
}
