import type { Child } from 'hono/jsx';
import type { ListedImage, Sort } from './list.sql.ts';
import type { ImageRow } from './images.sql.ts';
import { VISIBILITY_LABELS } from './views.tsx';
import { altOf, titleOf } from './names.ts';
import { raw } from 'hono/html';
import { escapeHtml as esc } from '../web/one-byte.ts';
import { displaySize, linkUrls, type ImageLink } from './urls.ts';
import { aspectClass } from '../web/aspect.ts';
import { Icon, type IconName } from '../web/icons.tsx';
import { listParams } from './list-context.ts';

// The justified grid every list of images shows (gallery, a user's images, the dashboard, an album).

/** A list's URL and search; `link`: an album's list, whose images are reached through it. */
export type ListState = { base: string; q?: string; sort: Sort; link?: ImageLink };
/**
 * `owner`: the viewer's own images (selectable, with actions); `byline`: name each image's
 * owner; `actions`: controls of the list's own on each tile (an album's owner arranging it).
 */
export type ListProps = {
  images: Listed[]; next?: string; prev?: string; state: ListState; owner: boolean; byline?: boolean;
  actions?: TileActions;
};

/**
 * Controls a list adds to each tile. `tile` may read only the image's row; `key` names everything
 * else they show (an album's order and cover), so that a kept tile is never another's.
 */
export type TileActions = { key: string; tile: (image: ListedImage) => Child };

/** The list's URL with its search, sort, share token and (optionally) a page cursor. */
export function listHref({ base, q, sort, link }: ListState, cursor?: string, before?: string) {
  const params = new URLSearchParams(listParams({ q, sort, cursor, before }));
  if (link?.share) params.set('share', link.share);
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

export const VISIBILITY_ICONS: Record<ListedImage['visibility'], IconName> = { public: 'globe', private: 'lock', unlisted: 'link' };

/** A row of a list; its owner's lists may say whether a moderator hid it. */
type Listed = ListedImage & Partial<Pick<ImageRow, 'hidden_at'>>;

// A page of tiles is most of what a list costs to render: written as strings here rather than
// as JSX (an element object per tag, attribute names checked per render), with what every tile
// of the page shares (its links' query strings, the icons) worked out once a page, not once a
// tile. The markup is what the JSX made; escaping is Hono's, and keeps the page one byte per
// character (web/one-byte.ts).
/** An attribute, left out (as JSX leaves it) when it has no value. */
const attr = (name: string, value: string | number | null | undefined) => (value == null ? '' : ` ${name}="${esc(String(value))}"`);

const icon = (name: IconName) => `${Icon({ name })}`;

/** What every tile of one list shares, made once a page; `key`: all of it, for the tiles' cache. */
function tileContext(state: ListState, owner: boolean, byline: boolean, actions?: TileActions) {
  const key = [owner, byline, state.base, state.q, state.sort, state.link?.album, state.link?.share, actions?.key].join('\0');
  const urls = linkUrls(state.link);
  // The owner's own actions go to the image itself, whatever list shows it.
  const own = linkUrls();
  // The image page, told which list it was opened from (for previous / next there); an album's
  // images open inside the album, which is their context.
  const context = listParams({ in: state.base.slice(1), q: state.q, sort: state.sort });
  const pageUrl = state.link ? urls.image : (id: string) => `${own.image(id)}?${context}`;
  return { urls, pageUrl, own, context: esc(context), owner, byline, actions, key };
}
type TileContext = ReturnType<typeof tileContext>;

/**
 * Tiles already written, kept on the row they were written from: rowsOf (images/rows.ts) hands
 * every request the same frozen row for an image at one revision, so a tile seen before costs a
 * lookup with nothing to compare (bench/HISTORY.md, "Tiles kept on their rows"). A row keeps the
 * tiles of its last two lists and lets them go with it (rowsOf keeps 10,000 rows). A row that is
 * not frozen may still change: its tile is written each time. Each tile is one flat string
 * (reading a character makes V8 join the pieces a string was built of): a page of 48 tiles had
 * over 3,000 pieces, and joining them when Node measured the page for its Content-Length cost
 * half as much as writing them (bench/HISTORY.md, "Tiles written once").
 */
const written = new WeakMap<Listed, Map<string, string>>();
const LISTS_PER_ROW = 2;

function cachedTile(image: Listed, t: TileContext) {
  const kept = written.get(image);
  const hit = kept?.get(t.key);
  if (hit !== undefined) return hit;
  const html = tileHtml(image, t);
  if (!Object.isFrozen(image)) return html;
  html.charCodeAt(0); // one flat string (above)
  const tiles = kept ?? new Map<string, string>();
  if (tiles.size >= LISTS_PER_ROW) tiles.delete(tiles.keys().next().value!);
  written.set(image, tiles.set(t.key, html));
  return html;
}

/**
 * One image of a justified row: its aspect class sizes it (static/app.css), the link opens its
 * page (or, with JavaScript, the viewer, from the data-pswp-* attributes; data-thumbhash:
 * static/app.js paints the placeholder colours while the thumbnail loads).
 */
function tileHtml(image: Listed, t: TileContext) {
  const { urls } = t;
  const display = displaySize(image);
  const title = esc(titleOf(image));
  const id = esc(image.id);
  let html = `<li class="tile ${aspectClass(image.width, image.height)}" id="image-${id}"><a href="${esc(t.pageUrl(image.id))}" class="thumb"`
    + `${attr('data-thumbhash', image.placeholder)} data-pswp-src="${esc(urls.variant(image, 'display'))}" data-pswp-width="${display.width}"`
    + ` data-pswp-height="${display.height}" data-title="${title}"><img src="${esc(urls.variant(image, 'thumb'))}"`
    + ` srcset="${esc(urls.variant(image, 'thumb2x'))} 2x" alt="${esc(altOf(image))}" loading="lazy" decoding="async"`
    + `${attr('width', image.width)}${attr('height', image.height)}/></a>`
    + `<div class="tile-caption"><span class="tile-title">${title}</span>`
    + `${t.byline ? `<a class="tile-owner" href="/u/${esc(image.username)}">${esc(image.username)}</a>` : ''}</div>`;
  if (t.owner) {
    const label = VISIBILITY_LABELS[image.visibility];
    const page = esc(t.own.image(image.id));
    html += `<input type="checkbox" class="select" name="ids" value="${id}" form="bulk" aria-label="Select ${title}"/>`
      + `<span class="badge ${esc(image.visibility)}" title="${label}">${icon(VISIBILITY_ICONS[image.visibility])}<span class="visually-hidden">${label}</span></span>`
      + `${image.hidden_at ? '<span class="hidden-badge" title="Hidden by a moderator">Hidden</span>' : ''}`
      + `<span class="tile-actions"><a class="icon-button" href="${esc(t.own.download(image.id))}" download="" aria-label="Download ${title}" title="Download">`
      + `${icon('download')}</a>`
      // Moves the image to the trash: without JavaScript a POST that returns to this list with an
      // Undo; with htmx a DELETE, the tile leaves the grid and the answer brings an Undo toast (an
      // error answer, a toast too, leaves it: ImageList). On a tile the icon alone: the button is a
      // small round one over the picture.
      + `<form method="post" action="${page}/delete?${t.context}" class="inline" hx-delete="${page}" hx-target="#image-${id}" hx-swap="delete">`
      + `<button type="submit" class="danger" aria-label="Delete ${title}">${icon('trash-2')}<span class="visually-hidden">Delete</span></button></form></span>`;
  }
  const extra = t.actions?.tile(image);
  return `${html}${extra ? `${extra}` : ''}</li>`;
}

/** The tiles of a page, as HTML. */
function tilesHtml({ images, state, owner, byline = false, actions }: Omit<ListProps, 'next' | 'prev'>) {
  const t = tileContext(state, owner, byline, actions);
  let html = '';
  for (const image of images) html += cachedTile(image, t);
  return raw(html);
}

/**
 * The tiles of one page plus the link to the next. With htmx the link loads the next page's
 * tiles when it scrolls into view (or is clicked) and replaces itself with them; without, it is
 * a plain link, and a "Previous page" link leads back.
 */

export function ListItems({ images, next, prev, state, owner, byline = false, actions }: ListProps) {
  const href = next && listHref(state, next);
  return (
    <>
      {tilesHtml({ images, state, owner, byline, actions })}
      {(href || prev) && (
        <li class="more">
          {prev && <a class="button secondary" href={listHref(state, undefined, prev)} rel="prev">Previous page</a>}
          {href && (
            <a class="button secondary" href={href} rel="next" hx-get={href} hx-trigger="click, revealed" hx-target="closest li" hx-swap="outerHTML">
              Next page
            </a>
          )}
        </li>
      )}
    </>
  );
}

// An error answer to a control on a tile is a toast (web/errors.tsx): nothing of it goes where the
// control aimed, and a delete's swap does not run (it would take the tile away whatever the answer).
// Said once on the grid for every tile's forms (htmx 4 inherits only what is marked `:inherited`).
const ERRORS_ASIDE = { 'hx-status:4xx:inherited': 'swap:none', 'hx-status:5xx:inherited': 'swap:none' };

export function ImageList(props: ListProps & { empty: string }) {
  if (props.images.length === 0) {
    if (!props.state.q) return <p class="empty">{props.empty}</p>;
    return (
      <p class="empty">
        Nothing matches “{props.state.q}”. <a href={listHref({ ...props.state, q: undefined })}>Clear search</a>
      </p>
    );
  }
  return <ul class="grid" id="images" {...ERRORS_ASIDE}><ListItems {...props} /></ul>;
}
