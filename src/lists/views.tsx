import type { Sort } from '../images/list.sql.ts';
import type { StorageUse } from '../web/env.ts';
import { type ListState } from '../images/grid.tsx';
import { FieldError } from '../web/forms.tsx';
import { formatBytes } from '../web/format.tsx';
import { ELLIPSIS, oneByte } from '../web/one-byte.ts';
import { Icon } from '../web/icons.tsx';
import { AlbumSelect, type AlbumChoice } from '../albums/membership-views.tsx';

const SORT_LABELS: Record<Sort, string> = { newest: 'Newest first', oldest: 'Oldest first', largest: 'Largest first', taken: 'Date taken' };

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
        <input id="q" name="q" type="search" value={oneByte(state.q ?? '')} placeholder={label} />
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
export function BulkBar({ state, error, action, albums = [] }: { state: ListState; error?: string; action?: string; albums?: AlbumChoice[] }) {
  return (
    <form id="bulk" method="post" action="/images/bulk" class="bulk-bar">
      <input type="hidden" name="q" value={oneByte(state.q ?? '')} />
      <input type="hidden" name="sort" value={state.sort} />
      {/* Filled in and shown by static/app.js; without it, the browser's own ticks tell. */}
      <span class="selection" hidden>
        <output id="selected-count" aria-live="polite">0 selected</output>
        <button type="button" class="link" data-select="all">Select all</button>
        <button type="button" class="link" data-select="none">None</button>
      </span>
      <label for="bulk-action" class="visually-hidden">With the selected images</label>
      <select id="bulk-action" name="action" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? 'bulk-action-error' : undefined}>
        <option value="" selected={!action}>Choose an action{ELLIPSIS}</option>
        <option value="public" selected={action === 'public'}>Make public</option>
        <option value="private" selected={action === 'private'}>Make private</option>
        <option value="album" selected={action === 'album'}>Add to album</option>
        <option value="zip" selected={action === 'zip'}>Download as zip</option>
        <option value="delete" selected={action === 'delete'}>Move to trash</option>
      </select>
      {albums.length > 0 && <span class="bulk-album"><AlbumSelect choices={albums} id="bulk-album" label="Album to add them to" none={<>Album{ELLIPSIS}</>} /></span>}
      <button type="submit" class="secondary">Apply</button>
      <FieldError id="bulk-action" error={error} />
    </form>
  );
}


/** The dashboard's heading: its storage meter and the way to the trash. */
export function UsageHeading({ used, quota }: StorageUse) {
  return (
    <div class="heading">
      <h1>My images</h1>
      <p class="usage">
        <label for="usage" class="visually-hidden">Storage used</label>
        <meter id="usage" min={0} max={quota} value={used}></meter>{' '}
        <span>{formatBytes(used)} of {formatBytes(quota)}</span>
      </p>
      <a class="button secondary" href="/trash"><Icon name="trash-2" /> Trash</a>
    </div>
  );
}
