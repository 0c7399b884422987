import type { ListedImage } from '../images/list.sql.ts';
import type { TileActions } from '../images/grid.tsx';
import { ExpiryField, ShareLink, VISIBILITY_LABELS } from '../images/views.tsx';
import { titleOf } from '../images/names.ts';
import { Field, FieldError, type FieldErrors } from '../web/forms.tsx';
import { Icon } from '../web/icons.tsx';
import type { Album, AlbumSort } from './albums.sql.ts';
import { albumUrl } from './urls.ts';

// What only an album's owner sees: the form that makes one, the controls on its tiles, its settings.

const AUDIENCE = { public: 'everyone, and listed on your profile', unlisted: 'anyone with the link', private: 'only you' } as const;
const SORT_LABELS: Record<AlbumSort, string> = { newest: 'Newest first', oldest: 'Oldest first', manual: 'Your arrangement' };

/** The form that makes an album: shown on /albums, and again with its messages when refused. */
export function NewAlbumForm({ errors = {}, values = {} }: { errors?: FieldErrors; values?: Record<string, string> }) {
  return (
    <details class="new-album" open={Object.keys(errors).length > 0}>
      <summary class="button"><Icon name="folder-plus" /> New album</summary>
      <form method="post" action="/albums" novalidate>
        <Field name="title" label="Title" maxlength={200} value={values.title} error={errors.title} />
        <div class="field">
          <label for="f-description">Description</label>
          <textarea id="f-description" name="description" maxlength={2000} rows={3}>{values.description ?? ''}</textarea>
          <FieldError id="f-description" error={errors.description} />
        </div>
        <VisibilityChoice chosen={values.visibility ?? 'private'} error={errors.visibility} />
        <button type="submit">Create album</button>
      </form>
    </details>
  );
}

function VisibilityChoice({ chosen, error }: { chosen: string; error?: string }) {
  return (
    <fieldset aria-invalid={error ? 'true' : undefined}>
      <legend>Who can see it</legend>
      {(['private', 'unlisted', 'public'] as const).map((v) => (
        <label><input type="radio" name="visibility" value={v} checked={chosen === v} /> {VISIBILITY_LABELS[v]} <small>({AUDIENCE[v]})</small></label>
      ))}
      <FieldError id="visibility" error={error} />
    </fieldset>
  );
}

/** The owner's controls on each tile of the album (`actions` of its grid): they show its order and cover. */
export const memberActions = (album: Album): TileActions => ({
  key: `${album.sort}\0${album.cover_image_id}`,
  tile: (image) => <MemberActions album={album} image={image} />,
});

/**
 * The owner's controls on each image of the album: remove it (htmx takes the tile away in
 * place), make it the cover, and in an arranged album move it one place (static/album.js also
 * lets tiles be dragged, and moves them in place).
 */
function MemberActions({ album, image }: { album: Album; image: ListedImage }) {
  const title = titleOf(image);
  const base = `/albums/${album.id}`;
  return (
    <span class="tile-actions album-actions">
      {album.sort === 'manual' && <MoveForm base={base} id={image.id} direction="up" label={`Move ${title} earlier`} />}
      {album.sort === 'manual' && <MoveForm base={base} id={image.id} direction="down" label={`Move ${title} later`} />}
      <form method="post" action={base} class="inline">
        <input type="hidden" name="cover" value={image.id} />
        <button type="submit" aria-label={`Make ${title} the cover`} title="Make cover" aria-pressed={album.cover_image_id === image.id ? 'true' : 'false'}>
          <Icon name="star" />
        </button>
      </form>
      <form method="post" action={`${base}/images/remove`} class="inline"
        hx-post={`${base}/images/remove`} hx-target={`#image-${image.id}`} hx-swap="delete">
        <input type="hidden" name="ids" value={image.id} />
        <button type="submit" aria-label={`Remove ${title} from the album`} title="Remove from album"><Icon name="x" /></button>
      </form>
    </span>
  );
}

/** One place earlier (`up`) or later in an arranged album: a plain form, moved in place by static/album.js. */
function MoveForm({ base, id, direction, label }: { base: string; id: string; direction: 'up' | 'down'; label: string }) {
  return (
    <form method="post" action={`${base}/order`} class="inline move" data-move={direction}>
      <input type="hidden" name="move" value={id} />
      <input type="hidden" name="direction" value={direction} />
      <button type="submit" aria-label={label} title={label}><Icon name={direction === 'up' ? 'arrow-left' : 'arrow-right'} /></button>
    </form>
  );
}

/** Title, description, order, audience and link, and deleting the album. */
export function AlbumSettings({ album, origin, failed }: { album: Album; origin: string; failed?: { errors: FieldErrors; values: Record<string, string> } }) {
  const v = { title: album.title, description: album.description, sort: album.sort, visibility: album.visibility, ...failed?.values };
  const e = failed?.errors ?? {};
  const live = album.visibility === 'unlisted' && album.share_token;
  return (
    <section id="album-settings" class="album-settings" aria-labelledby="album-settings-heading">
      <h2 id="album-settings-heading">Album settings</h2>
      <form method="post" action={`/albums/${album.id}`} novalidate>
        <Field name="title" label="Title" maxlength={200} value={v.title} error={e.title} />
        <div class="field">
          <label for="f-description">Description</label>
          <textarea id="f-description" name="description" maxlength={2000} rows={3}
            aria-invalid={e.description ? 'true' : undefined}>{v.description}</textarea>
          <FieldError id="f-description" error={e.description} />
        </div>
        <div class="field">
          <label for="f-sort">Order</label>
          <select id="f-sort" name="sort">
            {(Object.keys(SORT_LABELS) as AlbumSort[]).map((s) => <option value={s} selected={v.sort === s}>{SORT_LABELS[s]}</option>)}
          </select>
        </div>
        <VisibilityChoice chosen={v.visibility} error={e.visibility} />
        <ExpiryField item={album} id="f-expires" label="An unlisted album's link expires" error={e.expires} />
        <button type="submit" class="secondary">Save album</button>
      </form>
      {live && <ShareLink id="album-link" url={`${origin}${albumUrl(album.id, album.share_token)}`} expires={album.share_expires_at}
        revoke={`/albums/${album.id}/share/revoke`} />}
      <form method="post" action={`/albums/${album.id}/delete`} class="delete-album">
        <p class="muted">Deleting the album keeps its images.</p>
        <button type="submit" class="danger"><Icon name="trash-2" /> Delete album</button>
      </form>
    </section>
  );
}
