import type { Child } from 'hono/jsx';
import type { ListedImage, Sort } from './list.sql.ts';
import type { ImageRow } from './images.sql.ts';
import { VISIBILITY_LABELS } from './views.tsx';
import { altOf, titleOf } from './names.ts';
import { DeleteForm } from './delete-form.tsx';
import { displaySize, imageUrl, originalUrl, variantUrl, type ImageLink } from './urls.ts';
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
  actions?: (image: ListedImage) => Child;
};

/** The list's URL with its search, sort, share token and (optionally) a page cursor. */
export function listHref({ base, q, sort, link }: ListState, cursor?: string, before?: string) {
  const params = new URLSearchParams(listParams({ q, sort, cursor, before }));
  if (link?.share) params.set('share', link.share);
  const query = params.toString();
  return query ? `${base}?${query}` : base;
}

/**
 * The image page, told which list it was opened from (for previous / next there); an album's
 * images open inside the album, which is their context.
 */
const pageUrl = (image: ListedImage, state: ListState) => state.link
  ? imageUrl(image.id, state.link)
  : `${imageUrl(image.id)}?${listParams({ in: state.base.slice(1), q: state.q, sort: state.sort })}`;

export const VISIBILITY_ICONS: Record<ListedImage['visibility'], IconName> = { public: 'globe', private: 'lock', unlisted: 'link' };

/** A row of a list; its owner's lists may say whether a moderator hid it. */
type Listed = ListedImage & Partial<Pick<ImageRow, 'hidden_at'>>;

/**
 * One image of a justified row: its aspect class sizes it (static/app.css), the link opens its
 * page (or, with JavaScript, the viewer, from the data-pswp-* attributes).
 */
function Tile({ image, state, owner, byline, actions }: Omit<ListProps, 'images' | 'byline'> & { image: Listed; byline: boolean }) {
  const href = pageUrl(image, state);
  const display = displaySize(image);
  const title = titleOf(image);
  return (
    <li class={`tile ${aspectClass(image.width, image.height)}`} id={`image-${image.id}`}>
      {/* data-thumbhash: static/app.js paints the placeholder colours while the thumbnail loads. */}
      <a href={href} class="thumb" data-thumbhash={image.placeholder} data-pswp-src={variantUrl(image, 'display', state.link)}
        data-pswp-width={display.width} data-pswp-height={display.height} data-title={title}>
        <img src={variantUrl(image, 'thumb', state.link)} srcset={`${variantUrl(image, 'thumb2x', state.link)} 2x`} alt={altOf(image)}
          loading="lazy" decoding="async" width={image.width} height={image.height} />
      </a>
      <div class="tile-caption">
        <span class="tile-title">{title}</span>
        {byline && <a class="tile-owner" href={`/u/${image.username}`}>{image.username}</a>}
      </div>
      {owner && (
        <>
          <input type="checkbox" class="select" name="ids" value={image.id} form="bulk" aria-label={`Select ${title}`} />
          <span class={`badge ${image.visibility}`} title={VISIBILITY_LABELS[image.visibility]}>
            <Icon name={VISIBILITY_ICONS[image.visibility]} /><span class="visually-hidden">{VISIBILITY_LABELS[image.visibility]}</span>
          </span>
          {image.hidden_at && <span class="hidden-badge" title="Hidden by a moderator">Hidden</span>}
          <span class="tile-actions">
            <a class="icon-button" href={originalUrl(image.id, true)} download aria-label={`Download ${title}`} title="Download">
              <Icon name="download" />
            </a>
            <DeleteForm id={image.id} filename={title} inCard context={listParams({ in: state.base.slice(1), q: state.q, sort: state.sort })} />
          </span>
        </>
      )}
      {actions?.(image)}
    </li>
  );
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
      {images.map((image) => <Tile image={image} state={state} owner={owner} byline={byline} actions={actions} />)}
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

export function ImageList(props: ListProps & { empty: string }) {
  if (props.images.length === 0) {
    if (!props.state.q) return <p class="empty">{props.empty}</p>;
    return (
      <p class="empty">
        Nothing matches “{props.state.q}”. <a href={listHref({ ...props.state, q: undefined })}>Clear search</a>
      </p>
    );
  }
  return <ul class="grid" id="images"><ListItems {...props} /></ul>;
}
