import type { ListedImage, Sort } from '../images/list.sql.ts';
import { altOf, titleOf, VISIBILITY_LABELS } from '../images/views.tsx';
import { DeleteForm } from '../images/delete-form.tsx';
import { imageUrl, originalUrl, variantUrl } from '../images/urls.ts';
import { formatBytes, formatDate } from '../web/format.ts';
import { FieldError } from '../web/forms.tsx';
import { listParams } from '../images/list-context.ts';


export type ListState = { base: string; q?: string; sort: Sort };
type ListProps = { images: ListedImage[]; next?: string; state: ListState; owner: boolean };

/** The list's URL with its search, sort and (optionally) a page cursor. */
export function listHref({ base, q, sort }: ListState, cursor?: string) {
  const query = listParams({ q, sort, cursor });
  return query ? `${base}?${query}` : base;
}

/** The image page, told which list it was opened from (for previous / next there). */
const pageUrl = (image: ListedImage, state: ListState) =>
  `${imageUrl(image.id)}?${listParams({ in: state.base.slice(1), q: state.q, sort: state.sort })}`;

function Thumb({ image, href }: { image: ListedImage; href: string }) {
  return (
    // data-thumbhash: static/app.js paints the placeholder colours while the thumbnail loads.
    <a href={href} class="thumb" data-thumbhash={image.placeholder}>
      <img src={variantUrl(image, 'thumb')} srcset={`${variantUrl(image, 'thumb2x')} 2x`} alt={altOf(image)}
        loading="lazy" decoding="async" width={image.width} height={image.height} />
    </a>
  );
}

function Card({ image, owner, state }: { image: ListedImage; owner: boolean; state: ListState }) {
  const href = pageUrl(image, state);
  return (
    <li class="card" id={`image-${image.id}`}>
      {owner && (
        <input type="checkbox" class="select" name="ids" value={image.id} form="bulk" aria-label={`Select ${image.filename}`} />
      )}
      <Thumb image={image} href={href} />
      <div class="meta">
        <a href={href} class="filename">{titleOf(image)}</a>
        {owner ? (
          <>
            <span class={`badge ${image.visibility}`}>{VISIBILITY_LABELS[image.visibility]}</span>
            <span>{formatBytes(Number(image.bytes))}</span>
            <time datetime={image.created_at.toISOString()}>{formatDate(image.created_at)}</time>
            <span class="card-actions">
              <a href={originalUrl(image.id, true)} download aria-label={`Download ${image.filename}`}>Download</a>
              <DeleteForm id={image.id} filename={image.filename} inCard />
            </span>
          </>
        ) : (
          <span class="by">by <a href={`/u/${image.username}`}>{image.username}</a></span>
        )}
      </div>
    </li>
  );
}

/**
 * The cards of one page plus the link to the next. With htmx the link loads the next page's
 * items when it scrolls into view (or is clicked) and replaces itself with them; without, it is
 * a plain link.
 */
export function ListItems({ images, next, state, owner }: ListProps) {
  const href = next && listHref(state, next);
  return (
    <>
      {images.map((image) => <Card image={image} owner={owner} state={state} />)}
      {href && (
        <li class="more">
          <a href={href} rel="next" hx-get={href} hx-trigger="click, revealed" hx-target="closest li" hx-swap="outerHTML">Next page</a>
        </li>
      )}
    </>
  );
}

const SORT_LABELS: Record<Sort, string> = { newest: 'Newest first', oldest: 'Oldest first', largest: 'Largest first' };

/** A plain GET form: the URL carries the search, so results can be bookmarked. */
export function SearchForm({ state, label }: { state: ListState; label: string }) {
  return (
    <form method="get" action={state.base} class="search" role="search">
      <label for="q">{label}</label>
      <input id="q" name="q" type="search" value={state.q ?? ''} placeholder="Title, filename or caption" />
      <label for="sort">Sort</label>
      <select id="sort" name="sort">
        {(Object.keys(SORT_LABELS) as Sort[]).map((s) => <option value={s} selected={s === state.sort}>{SORT_LABELS[s]}</option>)}
      </select>
      <button type="submit">Search</button>
    </form>
  );
}

/**
 * Acts on the cards whose checkbox is ticked (they name this form with `form="bulk"`, since the
 * cards hold forms of their own and forms cannot nest).
 */
/** The dashboard's bulk actions; `error` when the last one was sent incomplete. */
export function BulkBar({ error, action }: { error?: string; action?: string }) {
  return (
    <form id="bulk" method="post" action="/images/bulk" class="bulk-bar">
      <label for="bulk-action">With the selected images:</label>
      <select id="bulk-action" name="action" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'bulk-action-error' : undefined}>
        <option value="public" selected={action === 'public'}>Make public</option>
        <option value="private" selected={action === 'private'}>Make private</option>
        <option value="delete" selected={action === 'delete'}>Delete…</option>
      </select>
      <button type="submit">Apply</button>
      <FieldError id="bulk-action" error={error} />
    </form>
  );
}

export function ImageList(props: ListProps & { empty: string }) {
  if (props.images.length === 0) {
    return <p class="empty">{props.state.q ? `Nothing matches “${props.state.q}”.` : props.empty}</p>;
  }
  return <ul class="grid" id="images"><ListItems {...props} /></ul>;
}
