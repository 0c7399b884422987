import type { ListedImage, Sort } from '../images/list.sql.ts';
import { altOf, titleOf, VISIBILITY_LABELS } from '../images/views.tsx';
import { DeleteForm } from '../images/delete-form.tsx';
import { displaySize, imageUrl, originalUrl, variantUrl } from '../images/urls.ts';
import { aspectClass } from '../web/aspect.ts';
import { FieldError } from '../web/forms.tsx';
import { Icon, type IconName } from '../web/icons.tsx';
import { listParams } from '../images/list-context.ts';

export type ListState = { base: string; q?: string; sort: Sort };
/** `owner`: the viewer's own images (selectable, with actions); `byline`: name each image's owner. */
type ListProps = { images: ListedImage[]; next?: string; prev?: string; state: ListState; owner: boolean; byline?: boolean };

/** The list's URL with its search, sort and (optionally) a page cursor. */
export function listHref({ base, q, sort }: ListState, cursor?: string, before?: string) {
  const query = listParams({ q, sort, cursor, before });
  return query ? `${base}?${query}` : base;
}

/** The image page, told which list it was opened from (for previous / next there). */
const pageUrl = (image: ListedImage, state: ListState) =>
  `${imageUrl(image.id)}?${listParams({ in: state.base.slice(1), q: state.q, sort: state.sort })}`;

const VISIBILITY_ICONS: Record<ListedImage['visibility'], IconName> = { public: 'globe', private: 'lock', unlisted: 'link' };

/**
 * One image of a justified row: its aspect class sizes it (static/app.css), the link opens its
 * page (or, with JavaScript, the viewer, from the data-pswp-* attributes).
 */
function Tile({ image, state, owner, byline }: { image: ListedImage; state: ListState; owner: boolean; byline: boolean }) {
  const href = pageUrl(image, state);
  const display = displaySize(image);
  const title = titleOf(image);
  return (
    <li class={`tile ${aspectClass(image.width, image.height)}`} id={`image-${image.id}`}>
      {/* data-thumbhash: static/app.js paints the placeholder colours while the thumbnail loads. */}
      <a href={href} class="thumb" data-thumbhash={image.placeholder} data-pswp-src={variantUrl(image, 'display')}
        data-pswp-width={display.width} data-pswp-height={display.height} data-title={title}>
        <img src={variantUrl(image, 'thumb')} srcset={`${variantUrl(image, 'thumb2x')} 2x`} alt={altOf(image)}
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
          <span class="tile-actions">
            <a class="icon-button" href={originalUrl(image.id, true)} download aria-label={`Download ${title}`} title="Download">
              <Icon name="download" />
            </a>
            <DeleteForm id={image.id} filename={title} inCard context={listParams({ in: state.base.slice(1), q: state.q, sort: state.sort })} />
          </span>
        </>
      )}
    </li>
  );
}

/**
 * The tiles of one page plus the link to the next. With htmx the link loads the next page's
 * tiles when it scrolls into view (or is clicked) and replaces itself with them; without, it is
 * a plain link, and a "Previous page" link leads back.
 */
export function ListItems({ images, next, prev, state, owner, byline = false }: ListProps) {
  const href = next && listHref(state, next);
  return (
    <>
      {images.map((image) => <Tile image={image} state={state} owner={owner} byline={byline} />)}
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

const SORT_LABELS: Record<Sort, string> = { newest: 'Newest first', oldest: 'Oldest first', largest: 'Largest first' };

/**
 * A plain GET form: the URL carries the search, so results can be bookmarked. With JavaScript a
 * change of sort submits it at once (static/app.js, `data-autosubmit`).
 */
export function SearchForm({ state, label }: { state: ListState; label: string }) {
  return (
    <form method="get" action={state.base} class="search" role="search">
      <label for="q" class="visually-hidden">{label}</label>
      <span class="search-field">
        <Icon name="search" />
        <input id="q" name="q" type="search" value={state.q ?? ''} placeholder={label} />
      </span>
      <label for="sort" class="visually-hidden">Sort</label>
      <select id="sort" name="sort" data-autosubmit>
        {(Object.keys(SORT_LABELS) as Sort[]).map((s) => <option value={s} selected={s === state.sort}>{SORT_LABELS[s]}</option>)}
      </select>
      <button type="submit" class="secondary">Search</button>
    </form>
  );
}

/**
 * Acts on the tiles whose checkbox is ticked (they name this form with `form="bulk"`, since the
 * tiles hold forms of their own and forms cannot nest). The action starts unchosen, so nothing
 * happens by default; the list's search and sort travel along, to come back to the same list.
 */
export function BulkBar({ state, error, action }: { state: ListState; error?: string; action?: string }) {
  return (
    <form id="bulk" method="post" action="/images/bulk" class="bulk-bar">
      <input type="hidden" name="q" value={state.q ?? ''} />
      <input type="hidden" name="sort" value={state.sort} />
      {/* Filled in and shown by static/app.js; without it, the browser's own ticks tell. */}
      <span class="selection" hidden>
        <output id="selected-count" aria-live="polite">0 selected</output>
        <button type="button" class="link" data-select="all">Select all</button>
        <button type="button" class="link" data-select="none">None</button>
      </span>
      <label for="bulk-action" class="visually-hidden">With the selected images</label>
      <select id="bulk-action" name="action" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'bulk-action-error' : undefined}>
        <option value="" selected={!action}>Choose an action…</option>
        <option value="public" selected={action === 'public'}>Make public</option>
        <option value="private" selected={action === 'private'}>Make private</option>
        <option value="delete" selected={action === 'delete'}>Move to trash</option>
      </select>
      <button type="submit" class="secondary">Apply</button>
      <FieldError id="bulk-action" error={error} />
    </form>
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
